"use client";

import * as RadixToast from "@radix-ui/react-toast";
import { X } from "lucide-react";
import { createContext, useCallback, useContext, useState, type ReactNode } from "react";
import { cn } from "./cn";

type Toast = { id: number; tone: "ok" | "error"; text: string };
type Notify = (text: string, tone?: Toast["tone"]) => void;

const ToastContext = createContext<Notify | null>(null);

/**
 * The outcome of an action taken from a menu or a dialog, announced and shown for a few
 * seconds in the corner (Radix Toast: a live region, F8 reaches it, Escape dismisses it).
 * Errors stay until dismissed.
 */
export function ToastProvider({
  label,
  closeLabel,
  children,
}: {
  label: string;
  closeLabel: string;
  children: ReactNode;
}) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const notify = useCallback<Notify>((text, tone = "ok") => {
    setToasts((t) => [...t.slice(-2), { id: Date.now() + Math.random(), tone, text }]);
  }, []);
  return (
    <ToastContext.Provider value={notify}>
      <RadixToast.Provider label={label} swipeDirection="right">
        {children}
        {toasts.map((t) => (
          <RadixToast.Root
            key={t.id}
            type={t.tone === "error" ? "foreground" : "background"}
            duration={t.tone === "error" ? Infinity : 6000}
            onOpenChange={(open) => !open && setToasts((all) => all.filter((x) => x.id !== t.id))}
            className={cn(
              "flex items-start gap-3 rounded-lg border bg-surface p-3 text-sm shadow-lg",
              t.tone === "error" ? "border-danger/40" : "border-line",
            )}
            data-testid="toast"
            data-tone={t.tone}
          >
            <span
              aria-hidden="true"
              className={cn("mt-1.5 size-2 shrink-0 rounded-full", t.tone === "error" ? "bg-danger" : "bg-ok")}
            />
            <RadixToast.Description className="min-w-0 flex-1">{t.text}</RadixToast.Description>
            <RadixToast.Close className="rounded p-0.5 text-muted hover:text-fg" aria-label={closeLabel}>
              <X aria-hidden="true" className="size-4" />
            </RadixToast.Close>
          </RadixToast.Root>
        ))}
        <RadixToast.Viewport className="fixed right-0 bottom-0 z-[60] flex w-full max-w-sm flex-col gap-2 p-4 outline-none" />
      </RadixToast.Provider>
    </ToastContext.Provider>
  );
}

/** Shows an outcome; outside a ToastProvider it does nothing. */
export function useToast(): Notify {
  return useContext(ToastContext) ?? (() => {});
}

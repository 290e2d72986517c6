"use client";

import * as AlertDialog from "@radix-ui/react-alert-dialog";
import { useState, type ReactNode } from "react";
import { Button, type ButtonVariant } from "./button";
import { cn } from "./cn";
import { DIALOG_PANEL } from "./dialog-panel";
import "./radix-nonce";

/**
 * Asks before a consequential action. Focus moves into the dialog (to Cancel), Escape or
 * Cancel closes it and gives focus back to what opened it; the action's error is shown inside
 * and the dialog stays open. Either `trigger` (a button element) opens it, or the caller
 * controls `open`.
 */
export function ConfirmDialog({
  trigger,
  open,
  onOpenChange,
  title,
  description,
  confirmLabel,
  busyLabel,
  cancelLabel,
  tone = "danger",
  onConfirm,
  children,
}: {
  trigger?: ReactNode;
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  title: ReactNode;
  description: ReactNode;
  confirmLabel: string;
  busyLabel?: string;
  cancelLabel: string;
  tone?: "danger" | "primary";
  /** Runs the action; a thrown Error's message is shown in the dialog. Resolve to close it. */
  onConfirm: () => Promise<void> | void;
  children?: ReactNode;
}) {
  const [inner, setInner] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const isOpen = open ?? inner;
  const setOpen = (o: boolean) => {
    if (busy) return;
    if (!o) setError(null);
    setInner(o);
    onOpenChange?.(o);
  };
  const variant: ButtonVariant = tone === "danger" ? "danger" : "primary";
  return (
    <AlertDialog.Root open={isOpen} onOpenChange={setOpen}>
      {trigger && <AlertDialog.Trigger asChild>{trigger}</AlertDialog.Trigger>}
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="fixed inset-0 z-40 bg-black/40 backdrop-blur-[1px]" />
        <AlertDialog.Content
          className={cn(DIALOG_PANEL, "w-[min(28rem,calc(100vw-2rem))]")}
          data-testid="confirm-dialog"
        >
          <AlertDialog.Title className="text-lg font-semibold break-words">{title}</AlertDialog.Title>
          <AlertDialog.Description className="mt-2 text-sm text-muted">{description}</AlertDialog.Description>
          {children}
          {error && (
            <p role="alert" className="mt-3 rounded-md bg-danger-soft px-3 py-2 text-sm text-danger-text">
              {error}
            </p>
          )}
          <div className="mt-5 flex flex-wrap justify-end gap-2">
            <AlertDialog.Cancel asChild>
              <Button variant="secondary" disabled={busy}>
                {cancelLabel}
              </Button>
            </AlertDialog.Cancel>
            <Button
              variant={variant}
              disabled={busy}
              onClick={async () => {
                setBusy(true);
                setError(null);
                try {
                  await onConfirm();
                  setBusy(false);
                  setInner(false);
                  onOpenChange?.(false);
                } catch (err) {
                  setBusy(false);
                  setError(err instanceof Error ? err.message : String(err));
                }
              }}
            >
              {busy && busyLabel ? busyLabel : confirmLabel}
            </Button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}

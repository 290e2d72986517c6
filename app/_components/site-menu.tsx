"use client";

import { Menu, X } from "lucide-react";
import { usePathname } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { buttonClass } from "./ui/button";
import { cn } from "./ui/cn";

/**
 * The header's links: inline on a wide screen, behind a menu button on a phone (CSS decides
 * which). The button says whether the menu is open (aria-expanded); opening moves focus to the
 * first link, Escape closes it and gives focus back to the button, and following a link closes it.
 * Our own few lines rather than a menu library: this header is on the claim page, whose
 * first-load JavaScript has a budget (docs/performance.md, "The claim page").
 */
export function SiteMenu({ label, children }: { label: string; children: React.ReactNode }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLDivElement>(null);
  const pathname = usePathname();

  useEffect(() => {
    // A link was followed: the new page starts with the menu closed.
    queueMicrotask(() => setOpen(false));
  }, [pathname]);

  useEffect(() => {
    if (!open) return;
    list.current?.querySelector<HTMLElement>("a, button")?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open]);

  const Icon = open ? X : Menu;
  return (
    <>
      <button
        ref={button}
        type="button"
        className={cn(buttonClass("ghost", "sm"), "sm:hidden")}
        aria-expanded={open}
        aria-controls="site-menu"
        onClick={() => setOpen((o) => !o)}
      >
        <Icon aria-hidden="true" className="size-4" />
        {label}
      </button>
      <div
        id="site-menu"
        ref={list}
        className={cn(
          "basis-full flex-col gap-0.5 pb-2 sm:flex sm:basis-auto sm:flex-row sm:items-center sm:gap-1 sm:pb-0",
          open ? "flex" : "hidden",
        )}
        onClick={(e) => {
          if ((e.target as HTMLElement).closest("a")) setOpen(false);
        }}
      >
        {children}
      </div>
    </>
  );
}

"use client";

import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import { MoreHorizontal } from "lucide-react";
import Link from "next/link";
import { useState, type ReactNode } from "react";
import { buttonClass } from "./button";
import { cn } from "./cn";
import { ConfirmDialog } from "./confirm-dialog";
import "./radix-nonce";
import { useToast } from "./toast";

export type MenuItem = {
  key: string;
  label: string;
  /** A link instead of an action. */
  href?: string;
  /** Runs the action; its string result is shown as a toast, a thrown Error's message too. */
  run?: () => Promise<string | void> | string | void;
  tone?: "danger";
  /** Asks first, in a dialog that names what will happen. */
  confirm?: { title: string; description: ReactNode; confirmLabel: string; cancelLabel: string; busyLabel?: string };
  separatorBefore?: boolean;
};

const ITEM =
  "flex min-h-9 cursor-default items-center gap-2 rounded-md px-2.5 text-sm text-fg no-underline outline-none select-none " +
  "data-[highlighted]:bg-sunken data-[disabled]:opacity-50";

/**
 * A row's actions behind one button ("Actions for ann@example.org"): keyboard and screen-reader
 * friendly (Radix DropdownMenu), each consequential item confirmed in a dialog.
 */
export function ActionMenu({
  label,
  items,
  triggerLabel,
  align = "end",
  "data-testid": testId,
}: {
  /** The trigger's accessible name, naming the row. */
  label: string;
  items: MenuItem[];
  /** Visible text on the trigger (icon only when left out). */
  triggerLabel?: string;
  align?: "start" | "end";
  "data-testid"?: string;
}) {
  const notify = useToast();
  const [confirming, setConfirming] = useState<MenuItem | null>(null);
  const [busy, setBusy] = useState(false);
  async function run(item: MenuItem) {
    if (!item.run) return;
    const result = await item.run();
    if (result) notify(result);
  }
  return (
    <>
      <DropdownMenu.Root modal={false}>
        <DropdownMenu.Trigger
          className={cn(buttonClass(triggerLabel ? "secondary" : "ghost", "sm"), !triggerLabel && "size-9 !px-0")}
          aria-label={triggerLabel ? undefined : label}
          title={triggerLabel ? undefined : label}
          disabled={busy}
          data-testid={testId}
        >
          {triggerLabel}
          <MoreHorizontal aria-hidden="true" className="size-4" />
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content
            align={align}
            sideOffset={4}
            collisionPadding={8}
            className="z-50 min-w-48 max-w-[calc(100vw-1rem)] rounded-lg border border-line bg-surface p-1 shadow-lg"
          >
            {items.map((item) => (
              <div key={item.key}>
                {item.separatorBefore && <DropdownMenu.Separator className="my-1 h-px bg-line" />}
                {item.href ? (
                  <DropdownMenu.Item asChild className={ITEM}>
                    <Link href={item.href}>{item.label}</Link>
                  </DropdownMenu.Item>
                ) : (
                  <DropdownMenu.Item
                    className={cn(ITEM, item.tone === "danger" && "text-danger-text")}
                    onSelect={() => {
                      if (item.confirm) {
                        // Opened once the menu has closed and given focus back to its button, so
                        // the dialog returns focus there when it closes.
                        requestAnimationFrame(() => setConfirming(item));
                        return;
                      }
                      setBusy(true);
                      Promise.resolve(run(item))
                        .catch((err: unknown) => notify(err instanceof Error ? err.message : String(err), "error"))
                        .finally(() => setBusy(false));
                    }}
                  >
                    {item.label}
                  </DropdownMenu.Item>
                )}
              </div>
            ))}
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>
      {confirming?.confirm && (
        <ConfirmDialog
          open
          onOpenChange={(o) => !o && setConfirming(null)}
          title={confirming.confirm.title}
          description={confirming.confirm.description}
          confirmLabel={confirming.confirm.confirmLabel}
          cancelLabel={confirming.confirm.cancelLabel}
          busyLabel={confirming.confirm.busyLabel}
          tone={confirming.tone === "danger" ? "danger" : "primary"}
          onConfirm={() => run(confirming)}
        />
      )}
    </>
  );
}

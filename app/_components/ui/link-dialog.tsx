"use client";

import * as Dialog from "@radix-ui/react-dialog";
import type { ReactNode } from "react";
import { Button } from "./button";
import { cn } from "./cn";
import { CopyButton } from "./copy-button";
import { DIALOG_PANEL } from "./dialog-panel";
import "./radix-nonce";

/**
 * A link shown once (an invitation or password-reset link without mail), with a copy button,
 * in a dialog: focus moves into it and returns to the menu that made the link when it closes.
 */
export function LinkDialog({
  open,
  onClose,
  title,
  description,
  link,
  copyLabel,
  copiedLabel,
  closeLabel,
  testId,
  urlTestId,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  description: ReactNode;
  link: string;
  copyLabel: string;
  copiedLabel: string;
  closeLabel: string;
  testId?: string;
  urlTestId?: string;
}) {
  return (
    <Dialog.Root open={open} onOpenChange={(o) => !o && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-black/40" />
        <Dialog.Content className={cn(DIALOG_PANEL, "w-[min(32rem,calc(100vw-2rem))]")} data-testid={testId}>
          <Dialog.Title className="text-lg font-semibold">{title}</Dialog.Title>
          <Dialog.Description className="mt-2 text-sm text-muted">{description}</Dialog.Description>
          <p className="mt-3 rounded-md bg-sunken p-2 font-mono text-xs break-all" data-testid={urlTestId}>
            {link}
          </p>
          <div className="mt-4 flex flex-wrap justify-end gap-2">
            <CopyButton value={link} label={copyLabel} copiedLabel={copiedLabel} size="md" />
            <Dialog.Close asChild>
              <Button variant="secondary">{closeLabel}</Button>
            </Dialog.Close>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

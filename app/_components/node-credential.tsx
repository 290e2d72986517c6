"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useTranslations } from "next-intl";
import { Button } from "./ui/button";
import { cn } from "./ui/cn";
import { CopyButton } from "./ui/copy-button";
import { DIALOG_PANEL } from "./ui/dialog-panel";
import { Notice } from "./ui/notice";
import "./ui/radix-nonce";

export type ShownCredential = { user: string; secret: string; hardwareId: string };

/**
 * A legacy node's user and password, the one time they are shown (docs/legacy-ingest.md): what
 * to type into the firmware's "Send to own API" fields, each with a copy button.
 */
export function NodeCredentialShown({ credential }: { credential: ShownCredential }) {
  const t = useTranslations("nodeCredential");
  return (
    <Notice tone="ok" role="status" title={t("title")} data-testid="node-credential">
      <p>{t.rich("text", { strong: (c) => <strong>{c}</strong> })}</p>
      <dl className="mt-2 grid grid-cols-[auto_minmax(0,1fr)] items-center gap-x-4 gap-y-2 text-sm">
        <dt className="text-muted">{t("user")}</dt>
        <dd className="flex min-w-0 items-center gap-2">
          <code className="break-all" data-testid="node-credential-user">
            {credential.user}
          </code>
          <CopyButton value={credential.user} label={t("copyUser")} copiedLabel={t("copied")} iconOnly />
        </dd>
        <dt className="text-muted">{t("password")}</dt>
        <dd className="flex min-w-0 items-center gap-2">
          <code className="break-all" data-testid="node-credential-secret">
            {credential.secret}
          </code>
          <CopyButton value={credential.secret} label={t("copyPassword")} copiedLabel={t("copied")} iconOnly />
        </dd>
      </dl>
      <p className="mt-2 text-xs text-muted">{t("footer", { id: credential.hardwareId })}</p>
    </Notice>
  );
}

/** The same, in a dialog (staff issuing from a table row): focus moves into it and back when it closes. */
export function NodeCredentialDialog({
  credential,
  onClose,
}: {
  credential: ShownCredential | null;
  onClose: () => void;
}) {
  const t = useTranslations("nodeCredential");
  return (
    <Dialog.Root open={!!credential} onOpenChange={(o) => !o && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-black/40" />
        <Dialog.Content
          className={cn(DIALOG_PANEL, "w-[min(34rem,calc(100vw-2rem))]")}
          data-testid="node-credential-dialog"
        >
          <Dialog.Title className="text-lg font-semibold">
            {t("dialogTitle", { id: credential?.hardwareId ?? "" })}
          </Dialog.Title>
          <Dialog.Description className="mt-1 text-sm text-muted">{t("dialogText")}</Dialog.Description>
          <div className="mt-3">{credential && <NodeCredentialShown credential={credential} />}</div>
          <div className="mt-4 flex justify-end">
            <Dialog.Close asChild>
              <Button variant="secondary">{t("done")}</Button>
            </Dialog.Close>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

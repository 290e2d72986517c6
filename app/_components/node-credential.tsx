"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { Button } from "./ui/button";
import { CopyButton } from "./ui/copy-button";
import { Notice } from "./ui/notice";
import "./ui/radix-nonce";

export type ShownCredential = { user: string; secret: string; hardwareId: string };

/**
 * A legacy node's user and password, the one time they are shown (docs/legacy-ingest.md): what
 * to type into the firmware's "Send to own API" fields, each with a copy button.
 */
export function NodeCredentialShown({ credential }: { credential: ShownCredential }) {
  return (
    <Notice tone="ok" role="status" title="Enter these in the node now" data-testid="node-credential">
      <p>
        Shown only now: Claimlink keeps only a fingerprint of the password. On the node&apos;s configuration page, under{" "}
        <strong>Send to own API</strong>, type:
      </p>
      <dl className="mt-2 grid grid-cols-[auto_minmax(0,1fr)] items-center gap-x-4 gap-y-2 text-sm">
        <dt className="text-muted">User</dt>
        <dd className="flex min-w-0 items-center gap-2">
          <code className="break-all" data-testid="node-credential-user">
            {credential.user}
          </code>
          <CopyButton value={credential.user} label="Copy user" copiedLabel="Copied" iconOnly />
        </dd>
        <dt className="text-muted">Password</dt>
        <dd className="flex min-w-0 items-center gap-2">
          <code className="break-all" data-testid="node-credential-secret">
            {credential.secret}
          </code>
          <CopyButton value={credential.secret} label="Copy password" copiedLabel="Copied" iconOnly />
        </dd>
      </dl>
      <p className="mt-2 text-xs text-muted">
        Node {credential.hardwareId}. Until the node sends them, its data is refused. Lost it? Issue a new one: the old
        password stops working at once.
      </p>
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
  return (
    <Dialog.Root open={!!credential} onOpenChange={(o) => !o && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-black/40" />
        <Dialog.Content
          className="fixed top-1/2 left-1/2 z-50 w-[min(34rem,calc(100vw-2rem))] -translate-x-1/2 -translate-y-1/2 rounded-lg border border-line bg-surface p-5 shadow-xl focus:outline-none"
          data-testid="node-credential-dialog"
        >
          <Dialog.Title className="text-lg font-semibold">Password for {credential?.hardwareId}</Dialog.Title>
          <Dialog.Description className="mt-1 text-sm text-muted">
            Hand these to the node&apos;s owner, or type them into the node yourself.
          </Dialog.Description>
          <div className="mt-3">{credential && <NodeCredentialShown credential={credential} />}</div>
          <div className="mt-4 flex justify-end">
            <Dialog.Close asChild>
              <Button variant="secondary">Done</Button>
            </Dialog.Close>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

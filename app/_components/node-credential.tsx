"use client";

import { CopyButton } from "./ui/copy-button";
import { Notice } from "./ui/notice";

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

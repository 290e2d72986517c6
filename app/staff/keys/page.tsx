import type { Metadata } from "next";
import { requireStaffPage } from "@/lib/auth/current";
import { serverKeysForStaff } from "@/lib/provisioning/api";
import { Badge } from "../../_components/ui/badge";
import { CopyButton } from "../../_components/ui/copy-button";
import { Main } from "../../_components/ui/main";
import { PageHeader } from "../../_components/ui/page-header";

export const metadata: Metadata = { title: "Server keys" };

const USE_TEXT = {
  current: "Signs every answer to devices now.",
  next: "Published ahead of a rotation: build it into firmware now, switch to it later.",
  retired: "No longer signs; still published for firmware that pinned it.",
} as const;

export default async function KeysPage() {
  await requireStaffPage("/staff/keys");
  const { claimUrl, keys, firmwareKeys } = serverKeysForStaff();
  return (
    <Main width="console">
      <PageHeader title="Server keys" description="The keys this server signs every answer to a device with." />
      <div className="max-w-3xl space-y-3 text-sm">
        <p>
          Every answer this server gives a device carries a <code>Claimlink-Signature</code> made with the current key
          below. Firmware that pins these public keys (65 bytes, base64url) can tell this server&apos;s answers from
          forged ones even when it cannot verify TLS, and the keys do not change when the TLS certificate is renewed.
        </p>
        <p>
          Firmware authors: copy every key marked current or next into the firmware at build time, from this page or
          from <a href="/.well-known/claimlink">/.well-known/claimlink</a> over a verified connection, never from the
          device itself; build the QR from <code>{claimUrl}</code>. To rotate, add a new key as <code>next</code>, ship
          firmware that pins both, and only then make it <code>current</code> (docs/protocol.md, &ldquo;Rotating server
          keys&rdquo;).
        </p>
      </div>
      <ul className="mt-6 space-y-3" data-testid="server-keys">
        {keys.map((k) => (
          <li key={k.kid} data-kid={k.kid} className="rounded-lg border border-line bg-surface p-4 shadow-xs">
            <div className="flex flex-wrap items-center gap-2">
              <code className="text-sm font-semibold">{k.kid}</code>
              <Badge tone={k.use === "current" ? "ok" : k.use === "next" ? "accent" : "neutral"}>{k.use}</Badge>
              <span className="text-sm text-muted">{USE_TEXT[k.use]}</span>
            </div>
            <KeyFacts k={k} copyLabel={`Copy the public key ${k.kid}`} />
          </li>
        ))}
      </ul>
      <section aria-labelledby="firmware-keys-title" className="mt-10 space-y-3">
        <h2 id="firmware-keys-title" className="text-lg font-semibold">
          Firmware keys
        </h2>
        <p className="max-w-3xl text-sm">
          Firmware images are signed offline with a firmware key; this server holds only the public halves below (
          <code>CLAIMLINK_FIRMWARE_KEYS</code>), refuses an upload they do not verify, and cannot sign an image itself.
          Pin them in the firmware: a device installs only what a pinned firmware key signed.
        </p>
        {firmwareKeys.length === 0 ? (
          <p className="text-sm text-muted" data-testid="firmware-keys-none">
            None configured: firmware uploads are refused until <code>CLAIMLINK_FIRMWARE_KEYS</code> is set.
          </p>
        ) : (
          <ul className="space-y-3" data-testid="firmware-keys">
            {firmwareKeys.map((k) => (
              <li key={k.kid} data-kid={k.kid} className="rounded-lg border border-line bg-surface p-4 shadow-xs">
                <div className="flex flex-wrap items-center gap-2">
                  <code className="text-sm font-semibold">{k.kid}</code>
                  <Badge tone="accent">firmware</Badge>
                </div>
                <KeyFacts k={k} copyLabel={`Copy the firmware key ${k.kid}`} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </Main>
  );
}

/** A key's public half (with a copy button) and its fingerprint. */
function KeyFacts({ k, copyLabel }: { k: { publicKey: string; fingerprint: string }; copyLabel: string }) {
  return (
    <dl className="mt-3 space-y-3 text-sm">
      <div>
        <dt className="text-xs text-muted">Public key</dt>
        <dd className="mt-1 flex items-start gap-2">
          <code className="min-w-0 flex-1 rounded bg-sunken p-2 text-xs break-all">{k.publicKey}</code>
          <CopyButton value={k.publicKey} label={copyLabel} copiedLabel="Copied" iconOnly />
        </dd>
      </div>
      <div>
        <dt className="text-xs text-muted">SHA-256 fingerprint</dt>
        <dd className="mt-1">
          <code className="block rounded bg-sunken p-2 text-xs break-all">{k.fingerprint}</code>
        </dd>
      </div>
    </dl>
  );
}

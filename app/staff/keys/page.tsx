import type { Metadata } from "next";
import { requireStaffPage } from "@/lib/auth/current";
import { serverKeysForStaff } from "@/lib/provisioning/api";

export const metadata: Metadata = { title: "Server keys" };

const USE_TEXT = {
  current: "Signs every answer to devices now.",
  next: "Published ahead of a rotation: build it into firmware now, switch to it later.",
  retired: "No longer signs; still published for firmware that pinned it.",
} as const;

export default async function KeysPage() {
  await requireStaffPage("/staff/keys");
  const { claimUrl, keys } = serverKeysForStaff();
  return (
    <main>
      <h1>Server keys</h1>
      <p>
        Every answer this server gives a device carries a <code>Claimlink-Signature</code> made with the current key
        below. Firmware that pins these public keys (65 bytes, base64url) can tell this server&apos;s answers from
        forged ones even when it cannot verify TLS, and the keys do not change when the TLS certificate is renewed.
        Firmware authors: copy every key marked current or next into the firmware at build time, from this page or from{" "}
        <a href="/.well-known/claimlink">
          <code>/.well-known/claimlink</code>
        </a>{" "}
        over a verified connection, never from the device itself; build the QR from <code>{claimUrl}</code>. To rotate,
        add a new key as <code>next</code>, ship firmware that pins both, and only then make it <code>current</code>{" "}
        (see docs/protocol.md, &ldquo;Rotating server keys&rdquo;).
      </p>
      <div className="table-wrap">
        <table data-testid="server-keys">
          <thead>
            <tr>
              <th>Key id</th>
              <th>Use</th>
              <th>Public key</th>
              <th>SHA-256 fingerprint</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.kid} data-kid={k.kid}>
                <td>
                  <code>{k.kid}</code>
                </td>
                <td>
                  <strong>{k.use}</strong>
                  <br />
                  <span className="muted">{USE_TEXT[k.use]}</span>
                </td>
                <td>
                  <code className="break">{k.publicKey}</code>
                </td>
                <td>
                  <code className="break">{k.fingerprint}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </main>
  );
}

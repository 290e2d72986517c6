import { keyId, privateKeyObject, publicKeyOf, type KeyUse, type ServerKey } from "./server-signature";

// Which server keys are published and which one signs (docs/protocol.md section 6).
//
// CLAIMLINK_SIGNING_KEYS lists `use=key` entries separated by commas or spaces, for example
//   current=<43-char private key>,next=<87-char public key>
// A key is either a private scalar (32 bytes, base64url: 43 characters) or, for keys this
// server does not sign with, a public point (65 bytes, base64url: 87 characters). Exactly one
// key is `current` and it must be private. `npm run cli -- keys create` makes one.

const USES: KeyUse[] = ["current", "next", "retired"];

function decodeKey(text: string): { privateScalar: Buffer | null; publicKey: Buffer } {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new Error("a key must be base64url");
  const raw = Buffer.from(text, "base64url");
  if (raw.length === 32) return { privateScalar: raw, publicKey: publicKeyOf(raw) };
  if (raw.length === 65 && raw[0] === 0x04) return { privateScalar: null, publicKey: raw };
  throw new Error("a key must be a 32-byte private key or a 65-byte uncompressed public key, in base64url");
}

/**
 * The server's keys from CLAIMLINK_SIGNING_KEYS, or (unset) the one generated into the data
 * directory as the current key. Throws with a message naming the problem.
 */
export function parseSigningKeys(spec: string | undefined, localPrivateKey: string | null): ServerKey[] {
  const entries = spec
    ? spec
        .split(/[\s,]+/)
        .filter(Boolean)
        .map((entry) => {
          const m = /^(current|next|retired)=(.+)$/.exec(entry);
          if (!m) throw new Error(`"${entry.slice(0, 12)}…" is not use=key with use one of ${USES.join(", ")}`);
          return { use: m[1] as KeyUse, ...decodeKey(m[2]) };
        })
    : localPrivateKey
      ? [{ use: "current" as const, ...decodeKey(localPrivateKey) }]
      : [];
  const current = entries.filter((e) => e.use === "current");
  if (current.length !== 1) throw new Error(`exactly one key must be current (found ${current.length})`);
  if (!current[0].privateScalar) throw new Error("the current key must be a private key");
  const seen = new Set<string>();
  return entries.map((e) => {
    const kid = keyId(e.publicKey);
    if (seen.has(kid)) throw new Error(`key ${kid} is listed twice`);
    seen.add(kid);
    return {
      kid,
      use: e.use,
      publicKey: e.publicKey,
      privateKey: e.privateScalar ? privateKeyObject(e.privateScalar) : null,
    };
  });
}

export function currentKey(keys: ServerKey[]): ServerKey & { privateKey: NonNullable<ServerKey["privateKey"]> } {
  const k = keys.find((x) => x.use === "current" && x.privateKey);
  if (!k?.privateKey) throw new Error("no current signing key");
  return k as ServerKey & { privateKey: NonNullable<ServerKey["privateKey"]> };
}

// The device side of the protocol in a browser, with WebCrypto only: the engine of the
// /emulator page. A third implementation, checked against the same test vectors as the server
// and the simulator; it imports neither.

const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const enc = new TextEncoder();

function base32(bytes: Uint8Array): string {
  let out = "";
  let acc = 0;
  let n = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    n += 8;
    while (n >= 5) {
      n -= 5;
      out += B32[(acc >> n) & 31];
    }
    acc &= (1 << n) - 1;
  }
  return n > 0 ? out + B32[(acc << (5 - n)) & 31] : out;
}

function b64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const raw = (k: string | Uint8Array) => (typeof k === "string" ? enc.encode(k) : k);

async function hmac(key: string | Uint8Array, ...fields: (string | number)[]): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey("raw", raw(key) as BufferSource, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, enc.encode(fields.join("\n"))));
}

export async function sha256Hex(text: string): Promise<string> {
  return hex(new Uint8Array(await crypto.subtle.digest("SHA-256", enc.encode(text))));
}

export function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

/** Constant-time comparison of two ASCII strings. */
export function equalText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export async function popAt(seed: Uint8Array, sid: string, T: number): Promise<string> {
  return base32((await hmac(seed, "claimlink/1 pop", sid, T)).slice(0, 16));
}

export async function serverProof(pop: string, sid: string, claimId: string, nonce: string): Promise<string> {
  return b64url(await hmac(pop, "claimlink/1 server-proof", sid, claimId, nonce));
}

export async function deviceProof(
  pop: string,
  sid: string,
  claimId: string,
  nonce: string,
  deviceNonce: string,
): Promise<string> {
  return b64url(await hmac(pop, "claimlink/1 device-proof", sid, claimId, nonce, deviceNonce));
}

export async function deviceSecret(
  pop: string,
  sid: string,
  claimId: string,
  nonce: string,
  deviceNonce: string,
): Promise<Uint8Array> {
  const ikm = await crypto.subtle.importKey("raw", enc.encode(pop), "HKDF", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    {
      name: "HKDF",
      hash: "SHA-256",
      salt: enc.encode(`${nonce}\n${deviceNonce}`),
      info: enc.encode(`claimlink/1 device-secret\n${sid}\n${claimId}`),
    },
    ikm,
    256,
  );
  return new Uint8Array(bits);
}

export async function bindMac(secret: Uint8Array, deviceId: string, credentialId: string): Promise<string> {
  return b64url(await hmac(secret, "claimlink/1 bind", deviceId, credentialId));
}

export async function requestSig(
  secret: Uint8Array,
  method: string,
  path: string,
  ts: number,
  nonce: string,
  body: string,
): Promise<string> {
  return b64url(await hmac(secret, "claimlink/1 request", method, path, ts, nonce, await sha256Hex(body)));
}

export async function responseMac(secret: Uint8Array, nonce: string, status: number, body: string): Promise<string> {
  return b64url(await hmac(secret, "claimlink/1 response", nonce, status, await sha256Hex(body)));
}

export { b64url, hex };

// (1.1) Server signatures (docs/protocol.md section 6), with WebCrypto's ECDSA P-256, whose
// signatures are already r || s.

function fromB64url(s: string): Uint8Array {
  const b = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(b, (c) => c.charCodeAt(0));
}

export type WebPinnedKey = { kid: string; key: CryptoKey };

/** A pinned server key from its base64url form (65-byte uncompressed point). */
export async function pinWebKey(publicKey: string): Promise<WebPinnedKey> {
  const raw = fromB64url(publicKey);
  if (raw.length !== 65 || raw[0] !== 4) throw new Error("a pinned key must be a 65-byte uncompressed P-256 point");
  const kid = hex(new Uint8Array(await crypto.subtle.digest("SHA-256", raw as BufferSource))).slice(0, 16);
  const key = await crypto.subtle.importKey("raw", raw as BufferSource, { name: "ECDSA", namedCurve: "P-256" }, false, [
    "verify",
  ]);
  return { kid, key };
}

/** The signature's time when `header` signs this answer with a pinned key, else null. */
export async function verifyWebSignature(
  pins: WebPinnedKey[],
  header: string | null,
  a: { method: string; pathAndQuery: string; requestNonce: string; status: number; body: string },
): Promise<number | null> {
  const m = /^keyid="([0-9a-f]{16})", ts="(0|[1-9]\d{0,11})", sig="([A-Za-z0-9_-]{86})"$/.exec((header ?? "").trim());
  const pin = m && pins.find((p) => p.kid === m[1]);
  if (!m || !pin) return null;
  const signed = [
    "claimlink/1 server-signature",
    a.method,
    a.pathAndQuery,
    a.requestNonce,
    a.status,
    m[2],
    await sha256Hex(a.body),
  ].join("\n");
  const ok = await crypto.subtle.verify(
    { name: "ECDSA", hash: "SHA-256" },
    pin.key,
    fromB64url(m[3]) as BufferSource,
    enc.encode(signed) as BufferSource,
  );
  return ok ? Number(m[2]) : null;
}

// (1.2) Firmware updates (docs/protocol.md section 7): the version order and the firmware
// signature, with WebCrypto only.

type WebVersion = { core: number[]; pre: string[] };

/** MAJOR.MINOR.PATCH[-pre] of section 7, or null. */
export function parseWebVersion(text: string): WebVersion | null {
  const m = /^(0|[1-9]\d{0,4})\.(0|[1-9]\d{0,4})\.(0|[1-9]\d{0,4})(?:-([0-9A-Za-z.]{1,32}))?$/.exec(text);
  if (!m) return null;
  const core = [m[1], m[2], m[3]].map(Number);
  const pre = m[4] === undefined ? [] : m[4].split(".");
  if (core.some((n) => n > 65535) || pre.some((id) => id === "" || /^0\d+$/.test(id))) return null;
  return { core, pre };
}

/** <0, 0, >0 as a orders below, equal to or above b (Semantic Versioning 2.0, section 11). */
export function compareWebVersions(a: WebVersion, b: WebVersion): number {
  for (let i = 0; i < 3; i++) if (a.core[i] !== b.core[i]) return a.core[i] - b.core[i];
  if (!a.pre.length || !b.pre.length) return b.pre.length - a.pre.length;
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const [x, y] = [a.pre[i], b.pre[i]];
    const [xn, yn] = [/^\d+$/.test(x), /^\d+$/.test(y)];
    if (x === y) continue;
    if (xn && yn) return x.length !== y.length ? x.length - y.length : x < y ? -1 : 1;
    if (xn !== yn) return xn ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return a.pre.length - b.pre.length;
}

/** Whether `sig` (b64url r || s) is the pinned firmware key `kid`'s signature of firmwareSigned. */
export async function verifyWebFirmware(
  keys: WebPinnedKey[],
  p: { model: string; version: string; size: number; sha256: string; kid: string; sig: string },
): Promise<boolean> {
  const key = keys.find((k) => k.kid === p.kid);
  if (!key || !/^[A-Za-z0-9_-]{86}$/.test(p.sig)) return false;
  const signed = ["claimlink/1 firmware", p.model, p.version, p.size, p.sha256].join("\n");
  return crypto.subtle.verify(
    { name: "ECDSA", hash: "SHA-256" },
    key.key,
    fromB64url(p.sig) as BufferSource,
    enc.encode(signed) as BufferSource,
  );
}

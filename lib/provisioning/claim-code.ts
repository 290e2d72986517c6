// What the claim page reads from a QR code, a deep link's fragment or a person's typing.
// Browser-safe: no server imports.

export type ClaimCode = { sid: string; pop: string };
export type ClaimCodeResult =
  | { ok: true; code: ClaimCode }
  | { ok: false; reason: "not_claimlink" }
  | { ok: false; reason: "other_server"; host: string };

/** A sid or a PoP: 26 base32 characters (docs/protocol.md section 1). */
export const CODE_PART = /^[A-Z2-7]{26}$/;

/** "sid.pop" (any case, spaces and dashes ignored), or the 52 characters without the dot. */
export function parseTypedCode(text: string): ClaimCode | null {
  const clean = text.toUpperCase().replace(/[\s-]+/g, "");
  const [sid, pop, extra] = clean.includes(".") ? clean.split(".") : [clean.slice(0, 26), clean.slice(26)];
  return extra === undefined && CODE_PART.test(sid) && CODE_PART.test(pop ?? "") ? { sid, pop } : null;
}

/**
 * A scanned QR: Claimlink's is `<origin>/claim#<sid>.<pop>`. A Claimlink code of another
 * server is named as such; anything else is not a Claimlink code.
 */
export function parseScannedCode(text: string, origin: string): ClaimCodeResult {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    const typed = parseTypedCode(text);
    return typed ? { ok: true, code: typed } : { ok: false, reason: "not_claimlink" };
  }
  const code = url.pathname.replace(/\/+$/, "").endsWith("/claim") ? parseTypedCode(url.hash.slice(1)) : null;
  if (!code) return { ok: false, reason: "not_claimlink" };
  if (url.origin !== origin) return { ok: false, reason: "other_server", host: url.host };
  return { ok: true, code };
}

/** The code grouped for reading, as a device's screen shows it under the QR. */
export function groupCode(code: ClaimCode): string {
  const g = (s: string) => s.match(/.{1,4}/g)!.join(" ");
  return `${g(code.sid)} . ${g(code.pop)}`;
}

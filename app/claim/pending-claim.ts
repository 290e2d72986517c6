import type { ClaimCode } from "@/lib/provisioning/claim-code";

// The code from a deep link waits here while the person signs in: sessionStorage stays in this
// tab, and unlike a query string it never reaches a server log or a Referer. `trusted` records
// whether the link was opened from outside the browser (Sec-Fetch-Site: none), decided on the
// first arrival: the return from sign-in is a same-site navigation and must not decide it again.
const PENDING_KEY = "claimlink.pendingClaim";
const STALE_AFTER_MS = 55_000; // a PoP is accepted for its step and the one before (docs/protocol.md)

export type Pending = ClaimCode & { scannedAt: number; trusted: boolean };

/** Keeps a code from a deep link for this tab, to claim after sign-in. */
export function keepPending(code: ClaimCode, trusted: boolean): void {
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ ...code, scannedAt: Date.now(), trusted }));
}

/** The kept code, read once (it is removed as it is read). */
export function readPending(): Pending | null {
  try {
    const raw = sessionStorage.getItem(PENDING_KEY);
    sessionStorage.removeItem(PENDING_KEY);
    return raw ? (JSON.parse(raw) as Pending) : null;
  } catch {
    return null;
  }
}

/** Whether a kept code is too old for its proof of possession to be accepted. */
export function isStale(pending: Pending): boolean {
  return Date.now() - pending.scannedAt > STALE_AFTER_MS;
}

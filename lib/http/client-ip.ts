import { env } from "../env";

/**
 * The caller's IP address. scripts/start.mjs appends the socket's peer address to
 * X-Forwarded-For, so with CLAIMLINK_TRUSTED_PROXIES=0 the last entry is the peer itself and a
 * client-supplied header cannot spoof it; with N trusted proxies in front, it is the entry N
 * places from the end.
 */
export function clientIp(headers: Headers): string | null {
  const list = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const hops = env().CLAIMLINK_TRUSTED_PROXIES;
  if (hops === 0 && list.length > 1 && isLoopback(list[list.length - 1])) warnUntrustedLocalProxy();
  const ip = list[list.length - 1 - hops] ?? list[0] ?? null;
  return ip ? ip.replace(/^::ffff:/, "").slice(0, 64) : null;
}

/** The socket peer's address, as scripts/start.mjs recorded it (the last X-Forwarded-For entry). */
export function peerAddress(headers: Headers): string | null {
  const list = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const last = list[list.length - 1];
  return last ? last.replace(/^::ffff:/, "") : null;
}

export function isLoopback(address: string | null): boolean {
  return address === "::1" || (address?.startsWith("127.") ?? false);
}

let warned = false;

/**
 * A reverse proxy on the same host with no proxy trusted: every client then looks like
 * 127.0.0.1, so per-address limits would refuse everyone at once. Said once, at the first
 * such request (docs/decisions/0003-client-address.md).
 */
function warnUntrustedLocalProxy(): void {
  if (warned) return;
  warned = true;
  console.warn(
    "[claimlink] Requests arrive from loopback with an X-Forwarded-For header, but CLAIMLINK_TRUSTED_PROXIES is 0: " +
      "every client looks like 127.0.0.1, and per-address sign-in limits would refuse everyone at once. " +
      "If a reverse proxy on this host forwards to Claimlink, set CLAIMLINK_TRUSTED_PROXIES=1.",
  );
}

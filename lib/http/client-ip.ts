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
  const ip = list[list.length - 1 - hops] ?? list[0] ?? null;
  return ip ? ip.replace(/^::ffff:/, "").slice(0, 64) : null;
}

/** The socket peer's address, as scripts/start.mjs recorded it (the last X-Forwarded-For entry). */
export function peerAddress(headers: Headers): string | null {
  const list = (headers.get("x-forwarded-for") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const last = list[list.length - 1];
  return last ? last.replace(/^::ffff:/, "") : null;
}

export function isLoopback(address: string | null): boolean {
  return address === "::1" || (address?.startsWith("127.") ?? false);
}

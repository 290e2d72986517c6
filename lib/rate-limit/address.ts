import { isIPv4, isIPv6 } from "node:net";

/**
 * The key every per-address limit and the refusal-audit cap count under: an IPv4 address as it
 * is (also when a dual-stack socket reports it as ::ffff:a.b.c.d), an IPv6 address by its /64
 * (one subscriber usually holds a whole /64, so counting single addresses would let one caller
 * take 2^64 turns). Anything else (no address, a malformed one) as given.
 */
export function addressBucket(ip: string | null | undefined): string {
  if (!ip) return "unknown";
  if (isIPv4(ip) || !isIPv6(ip)) return ip;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped && isIPv4(mapped[1])) return mapped[1];
  return `${expandIPv6(ip).slice(0, 4).join(":")}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, lower-case without leading zeros. */
function expandIPv6(ip: string): string[] {
  let text = ip.toLowerCase().replace(/%.*$/, "");
  // An embedded IPv4 tail (::ffff:1.2.3.4) is two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number);
    text = text.slice(0, v4.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::");
  const h = head ? head.split(":") : [];
  const t = tail !== undefined && tail !== "" ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  return groups.map((g) => parseInt(g, 16).toString(16));
}

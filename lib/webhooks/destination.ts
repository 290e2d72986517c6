import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { AppError } from "../errors/app-error";

// Where a webhook may go (docs/integrations.md "Webhooks", SECURITY.md): only to public unicast
// addresses, so a subscription cannot be turned against the server's own network. Checked on a
// literal address when a subscription is made, and on the resolved address at every delivery
// (the request then connects to that very address: a second lookup could answer otherwise).

/** Loopback destinations (and http to them) are allowed: CLAIMLINK_WEBHOOK_LOOPBACK, development only. */
export type DestinationPolicy = { allowLoopback: boolean };

/**
 * Why an address may not be a destination, or null when it may. Only ipaddr.js's `unicast`
 * range passes: private, loopback, link-local, unique-local, CGNAT, multicast, broadcast,
 * unspecified (0.0.0.0, ::), reserved, IPv4-mapped and the v4-in-v6 translation prefixes
 * (6to4, Teredo, RFC 6052, which can carry a private IPv4 address) are all refused.
 */
export function refusedAddress(address: string, policy: DestinationPolicy): string | null {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return "not an IP address";
  }
  const range = parsed.range();
  if (range === "unicast") return null;
  if (range === "loopback" && policy.allowLoopback) return null;
  return `a ${range} address`;
}

function refuse(detail: string): never {
  throw new AppError("destination_not_allowed", detail);
}

/**
 * Checks a subscription's URL when it is made or changed: https (http only to loopback, when
 * allowed), no credentials in it, and a host that is not a literal refused address nor
 * `localhost`. A name is checked again on its resolved address at every delivery.
 */
export function checkDestinationUrl(raw: string, policy: DestinationPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    refuse("The URL is not valid.");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") refuse("The URL must start with https://.");
  if (url.username || url.password) refuse("The URL must not contain a user or password.");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const literal = isIP(host) !== 0;
  const loopbackName = /^(.*\.)?localhost\.?$/i.test(host);
  if (literal) {
    const why = refusedAddress(host, policy);
    if (why) refuse(`The URL's host is ${why}: webhooks go only to public addresses.`);
  } else if (loopbackName && !policy.allowLoopback) {
    refuse("The URL's host is this machine: webhooks go only to public addresses.");
  }
  const isLoopback = loopbackName || (literal && ipaddr.parse(host).range() === "loopback");
  if (url.protocol === "http:" && !(policy.allowLoopback && isLoopback))
    refuse("The URL must start with https:// (plain http only to this machine, in development).");
  return url;
}

export type Resolver = (host: string) => Promise<{ address: string; family: number }[]>;

export const systemResolver: Resolver = (host) => lookup(host, { all: true, verbatim: true });

/**
 * The one address a delivery connects to: the host's addresses resolved once, every one of
 * them checked (a name with one refused address is refused: which one a later lookup returns
 * is the attacker's choice). Throws an Error whose message goes into the delivery log.
 */
export async function resolveDestination(
  url: URL,
  policy: DestinationPolicy,
  resolve: Resolver = systemResolver,
): Promise<{ address: string; family: 4 | 6 }> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const found = isIP(host) ? [{ address: host, family: isIP(host) }] : await resolve(host);
  if (found.length === 0) throw new Error(`${host} has no address`);
  for (const a of found) {
    const why = refusedAddress(a.address, policy);
    if (why) throw new Error(`destination refused: ${host} resolves to ${why}`);
  }
  return { address: found[0].address, family: found[0].family === 6 ? 6 : 4 };
}

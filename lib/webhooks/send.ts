import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { resolveDestination, systemResolver, type DestinationPolicy, type Resolver } from "./destination";

// One HTTP request of a delivery: to the address checked by resolveDestination and no other
// (the host name still goes in the Host header and the TLS SNI, and the certificate is checked
// against it), no redirect followed, a time limit on the whole exchange and a cap on what is read.

export const SEND_TIMEOUT_MS = 10_000;
/** How much of an answer is read; the rest is dropped unread. */
export const MAX_RESPONSE_BYTES = 64 * 1024;
/** How much of that is kept in the delivery log. */
export const SNIPPET_CHARS = 512;

export type SendResult = { status: number | null; error: string | null; snippet: string | null; durationMs: number };

export type SendOptions = DestinationPolicy & { resolve?: Resolver; timeoutMs?: number };

/** Posts `body` with `headers` to `url`. Never throws: a failure is a result with `error`. */
export async function postWebhook(
  url: URL,
  headers: Record<string, string>,
  body: string,
  opts: SendOptions,
): Promise<SendResult> {
  const started = performance.now();
  const took = () => Math.round(performance.now() - started);
  const limitMs = opts.timeoutMs ?? SEND_TIMEOUT_MS;
  let pinned: { address: string; family: 4 | 6 };
  try {
    // The lookup counts against the attempt's time too (a resolver that never answers).
    let dnsTimer: NodeJS.Timeout | undefined;
    pinned = await Promise.race([
      resolveDestination(url, opts, opts.resolve ?? systemResolver),
      new Promise<never>((_, reject) => {
        dnsTimer = setTimeout(
          () => reject(new Error(`no address for ${url.hostname} within ${limitMs / 1000} s`)),
          limitMs,
        );
      }),
    ]).finally(() => clearTimeout(dnsTimer));
    if (url.protocol === "http:" && ipaddr.parse(pinned.address).range() !== "loopback")
      throw new Error("destination refused: plain http only to this machine");
  } catch (err) {
    return { status: null, error: (err as Error).message.slice(0, 300), snippet: null, durationMs: took() };
  }
  const lookupPinned: LookupFunction = (_host, options, cb) => {
    if ((options as { all?: boolean }).all) (cb as (e: null, a: object[]) => void)(null, [pinned]);
    else cb(null, pinned.address, pinned.family);
  };
  const client = url.protocol === "https:" ? https : http;
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (r: Omit<SendResult, "durationMs">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...r, durationMs: took() });
    };
    const req = client.request(
      url,
      {
        method: "POST",
        headers: { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        lookup: lookupPinned,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => {
          const text = Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString("utf8").slice(0, SNIPPET_CHARS);
          const status = res.statusCode ?? null;
          const ok = status !== null && status >= 200 && status < 300;
          finish({ status, error: ok ? null : `answered ${status}`, snippet: text || null });
        };
        res.on("data", (c: Buffer) => {
          if (size >= MAX_RESPONSE_BYTES) return;
          chunks.push(c);
          size += c.length;
          if (size >= MAX_RESPONSE_BYTES) {
            done();
            res.destroy();
          }
        });
        res.on("end", done);
        res.on("error", done);
      },
    );
    const timer = setTimeout(
      () => {
        finish({ status: null, error: `no answer within ${limitMs / 1000} s`, snippet: null });
        req.destroy();
      },
      Math.max(1, limitMs - took()),
    );
    req.on("error", (err) =>
      finish({ status: null, error: `could not send: ${err.message}`.slice(0, 300), snippet: null }),
    );
    req.end(body);
  });
}

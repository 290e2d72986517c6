import { AppError } from "../errors/app-error";

// Reading a request: bodies with a size cap, JSON with a media-type check, bearer tokens.

export const MAX_JSON_BYTES = 64 * 1024;
/** The cap of every small JSON body: a claim, a device answer, a command, a rename. */
export const SMALL_BODY_BYTES = 16 * 1024;

/**
 * Where the app's server leaves a small body it has already read whole (scripts/api-server.mjs):
 * a device's report then needs no Web stream. A property keyed by a global symbol, since the
 * server and the router's bundle are separate modules.
 */
export const BUFFERED_BODY = Symbol.for("claimlink.bufferedBody");

/**
 * The raw body bytes, stopping (413, or the `tooLarge` error) as soon as more than `maxBytes`
 * arrive.
 */
export async function readBodyCapped(
  req: Request,
  maxBytes: number,
  tooLarge = () => new AppError("payload_too_large", `The body may be at most ${maxBytes} bytes.`),
): Promise<Uint8Array> {
  if (Number(req.headers.get("content-length") ?? "0") > maxBytes) throw tooLarge();
  const buffered = (req as { [BUFFERED_BODY]?: Uint8Array })[BUFFERED_BODY];
  if (buffered) {
    if (buffered.byteLength > maxBytes) throw tooLarge();
    return buffered;
  }
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** The JSON body, refusing a wrong media type (415), an oversized body (413) or broken JSON (400). */
export async function readJson(req: Request, maxBytes = MAX_JSON_BYTES): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type))
    throw new AppError("unsupported_media_type", "Send the body as application/json.");
  const buf = await readBodyCapped(req, maxBytes);
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(buf));
  } catch {
    throw new AppError("invalid_request", "The body is not valid JSON.");
  }
}

/** The token of `Authorization: Bearer <token>`, or "" when the header is absent or another scheme. */
export function bearerToken(authorization: string | null): string {
  return authorization?.startsWith("Bearer ") ? authorization.slice(7).trim() : "";
}

/** The query string as a plain object (the last value of a repeated name wins), for zod. */
export function queryOf(req: Request): Record<string, string> {
  return Object.fromEntries(new URL(req.url).searchParams);
}

/** One query parameter as sent (the first value of a repeated name), or null when it is absent. */
export function queryParam(req: Request, name: string): string | null {
  return new URL(req.url).searchParams.get(name);
}

export function json(data: unknown, status = 200, headers: HeadersInit = {}): Response {
  return Response.json(data, { status, headers });
}

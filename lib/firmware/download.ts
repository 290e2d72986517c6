import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { firmwareChunks } from "../db/schema";
import { AppError } from "../errors/app-error";
import { FIRMWARE_CHUNK_BYTES } from "./config";
import { findFirmwareImage } from "./images";

// GET /api/v1/firmware/{sha256} (docs/protocol.md section 7): public, immutable, resumable with
// Range. The bytes are read from firmware_chunks one row at a time as the client reads, so an
// image is never whole in memory and a client that stops reading stops the reads.

export type ByteRange = { start: number; end: number }; // inclusive, as in Content-Range

/**
 * A `Range` header against an image of `size` bytes (RFC 9110 section 14): null when the header
 * is absent, not `bytes=` with one range, or malformed (the whole image is then sent), the range
 * clamped to the image, or "unsatisfiable" (416) when it starts past the end or asks for 0 bytes.
 */
export function parseRange(header: string | null, size: number): ByteRange | "unsatisfiable" | null {
  if (!header) return null;
  const m = /^bytes=[ \t]*(\d{0,20})-(\d{0,20})[ \t]*$/i.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return null;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  if (m[2] !== "" && Number(m[2]) < start) return null; // not a valid range-spec: ignored, the whole image is sent
  if (start >= size) return "unsatisfiable";
  return { start, end: m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1) };
}

/** Bytes [start, end] of a stored image, as a stream that reads one chunk row per pull. */
export function imageStream(db: Db, sha256: string, range: ByteRange): ReadableStream<Uint8Array> {
  let seq = Math.floor(range.start / FIRMWARE_CHUNK_BYTES);
  const last = Math.floor(range.end / FIRMWARE_CHUNK_BYTES);
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (seq > last) return controller.close();
        const [row] = await db
          .select({ data: firmwareChunks.data })
          .from(firmwareChunks)
          .where(and(eq(firmwareChunks.sha256, sha256), eq(firmwareChunks.seq, seq)));
        // A missing chunk is a broken store, never a short image sent as if whole.
        if (!row) return controller.error(new Error(`firmware ${sha256} has no chunk ${seq}`));
        const base = seq * FIRMWARE_CHUNK_BYTES;
        const from = Math.max(range.start - base, 0);
        const to = Math.min(range.end - base + 1, row.data.length);
        controller.enqueue(new Uint8Array(row.data.subarray(from, to)));
        seq++;
      },
    },
    { highWaterMark: 0 },
  );
}

/** Reads a stored image whole (for tests and small tools; the download route streams instead). */
export async function readImageBytes(db: Db, sha256: string): Promise<Buffer> {
  const rows = await db
    .select({ data: firmwareChunks.data })
    .from(firmwareChunks)
    .where(eq(firmwareChunks.sha256, sha256))
    .orderBy(asc(firmwareChunks.seq));
  return Buffer.concat(rows.map((r) => r.data));
}

const IMMUTABLE = "public, max-age=31536000, immutable";

/** Whether an If-None-Match list names this entity tag (weak comparison, RFC 9110 section 13.1.2). */
function matchesEtag(header: string, etag: string): boolean {
  if (header.trim() === "*") return true;
  return header.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}

/**
 * The answer to GET or HEAD of an image: 200 whole, 206 for a satisfiable Range (unless an
 * If-Range names another entity), 416 with `Content-Range: bytes *\/size` for one past the end,
 * 304 for a matching If-None-Match. Throws `firmware_not_found` (404) for an unknown hash.
 */
export async function firmwareDownload(db: Db, sha256: string, req: Request): Promise<Response> {
  const image = await findFirmwareImage(db, sha256);
  if (!image) throw new AppError("firmware_not_found", "No firmware image has this SHA-256.");
  const etag = `"${image.sha256}"`;
  const common = { ETag: etag, "Cache-Control": IMMUTABLE, "Accept-Ranges": "bytes" };
  const ifNoneMatch = req.headers.get("if-none-match");
  if (ifNoneMatch !== null && matchesEtag(ifNoneMatch, etag)) return new Response(null, { status: 304, headers: common });
  const ifRange = req.headers.get("if-range");
  const range = ifRange !== null && ifRange.trim() !== etag ? null : parseRange(req.headers.get("range"), image.size);
  if (range === "unsatisfiable")
    throw new AppError("range_not_satisfiable", `The image has ${image.size} bytes.`, { contentRange: `bytes */${image.size}` });
  const part = range ?? { start: 0, end: image.size - 1 };
  const headers: Record<string, string> = {
    ...common,
    "Content-Type": "application/octet-stream",
    "Content-Length": String(part.end - part.start + 1),
    ...(range ? { "Content-Range": `bytes ${part.start}-${part.end}/${image.size}` } : {}),
  };
  const body = req.method === "HEAD" ? null : imageStream(db, image.sha256, part);
  return new Response(body, { status: range ? 206 : 200, headers });
}

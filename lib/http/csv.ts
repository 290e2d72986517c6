import { AppError } from "../errors/app-error";
import { readBodyCapped } from "./request";

// CSV in and out of the API: an upload read as capped UTF-8 text, an export streamed as a download.

/** A text/csv (or text/plain) body as UTF-8 text: 415 for another media type, 413 past `maxBytes`, 400 for bad UTF-8. */
export async function readText(req: Request, maxBytes: number): Promise<string> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^text\/(csv|plain)\b/i.test(type)) throw new AppError("unsupported_media_type", "Send the body as text/csv.");
  const buf = await readBodyCapped(req, maxBytes);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(buf).replace(/^\uFEFF/, "");
  } catch {
    throw new AppError("invalid_request", "The body is not valid UTF-8.");
  }
}

/** A streamed CSV download; the file name is ours (ids only), never the caller's text. */
export function csvResponse({ filename, body }: { filename: string; body: ReadableStream<Uint8Array> }): Response {
  return new Response(body, {
    status: 200,
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
      "Cache-Control": "no-store",
    },
  });
}

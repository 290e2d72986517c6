import { AppError } from "../errors/app-error";
import { loggableError } from "../errors/problem";
import { CSV_BOM } from "../csv";
import { readBodyCapped } from "./request";

// CSV in and out of the API: an upload read as capped UTF-8 text, an export streamed as a download
// (the one way every CSV leaves Claimlink; lib/csv.ts makes the lines).

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

/**
 * Streams CSV chunks (lib/csv.ts `csvChunks`: the header, then a chunk per page) as a download.
 * The header and the first page are produced before answering, so an error in the first query
 * is still a problem+json; the rest streams as the client reads (a failure then ends the
 * download broken, never silently short, and the log gets the error without the query's
 * parameters). The file starts with a byte-order mark, which spreadsheets need to read UTF-8;
 * the file name is ours (ids and dates), never the caller's text.
 */
export async function csvResponse(chunks: AsyncGenerator<string>, filename: string): Promise<Response> {
  const encoder = new TextEncoder();
  const head: string[] = [CSV_BOM];
  let done = false;
  for (let i = 0; i < 2 && !done; i++) {
    const r = await chunks.next();
    if (r.done) done = true;
    else head.push(r.value);
  }
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(head.join("")));
      if (done) controller.close();
    },
    async pull(controller) {
      try {
        const r = await chunks.next();
        if (r.done) controller.close();
        else controller.enqueue(encoder.encode(r.value));
      } catch (err) {
        console.error("[csv] export failed mid-stream:", loggableError(err));
        controller.error(new Error("The export failed."));
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  return new Response(stream, {
    status: 200,
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
      "Cache-Control": "no-store",
    },
  });
}

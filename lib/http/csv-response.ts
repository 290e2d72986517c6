import { loggableError } from "../errors/problem";

/**
 * Streams CSV chunks as an attachment. The header and the first page are produced before
 * answering, so an error in the first query is still a problem+json; the rest streams as the
 * client reads (a failure then ends the download early and is logged).
 */
export async function csvResponse(chunks: AsyncGenerator<string>, filename: string): Promise<Response> {
  const encoder = new TextEncoder();
  const head: string[] = [];
  let done = false;
  for (let i = 0; i < 2 && !done; i++) {
    const r = await chunks.next();
    if (r.done) done = true;
    else head.push(r.value);
  }
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of head) controller.enqueue(encoder.encode(c));
      if (done) controller.close();
    },
    async pull(controller) {
      try {
        const r = await chunks.next();
        if (r.done) controller.close();
        else controller.enqueue(encoder.encode(r.value));
      } catch (err) {
        // The answer has started: the download ends broken; the log gets no query parameters.
        console.error("[csv] export failed mid-stream:", loggableError(err));
        controller.error(new Error("The export failed."));
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
    },
  });
}

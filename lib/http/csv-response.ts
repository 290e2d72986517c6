/**
 * Streams CSV chunks as an attachment: the first chunk is produced before answering (so an
 * error in the first query is still a problem+json), the rest as the client reads.
 */
export async function csvResponse(chunks: AsyncGenerator<string>, filename: string): Promise<Response> {
  const encoder = new TextEncoder();
  const first = await chunks.next();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      if (!first.done) controller.enqueue(encoder.encode(first.value));
      else controller.close();
    },
    async pull(controller) {
      if (first.done) return;
      try {
        const { value, done } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(encoder.encode(value));
      } catch (err) {
        console.error("[csv] export failed mid-stream:", (err as Error).message);
        controller.error(err);
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

import { fromBuffer, type Entry, type ZipFile } from "yauzl";

// A study export read back, for the tests that check it (unit and end to end): every file of a
// zip by name, unzipped with yauzl, the reading half of the library that writes it
// (docs/decisions/0012).

export async function unzip(buf: Buffer): Promise<Map<string, string>> {
  const zip = await new Promise<ZipFile>((ok, fail) =>
    fromBuffer(buf, { lazyEntries: true }, (err, z) => (err ? fail(err) : ok(z))),
  );
  const files = new Map<string, string>();
  await new Promise<void>((done, fail) => {
    zip.on("entry", (entry: Entry) => {
      zip.openReadStream(entry, (err, stream) => {
        if (err) return fail(err);
        const parts: Buffer[] = [];
        stream.on("data", (c: Buffer) => parts.push(c));
        stream.on("end", () => {
          files.set(entry.fileName, Buffer.concat(parts).toString("utf8"));
          zip.readEntry();
        });
        stream.on("error", fail);
      });
    });
    zip.on("end", done);
    zip.on("error", fail);
    zip.readEntry();
  });
  return files;
}

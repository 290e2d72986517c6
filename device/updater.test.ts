import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadImage, startTamperingMirror, type UpdaterOptions } from "./updater";

// The simulator's download (section 7, check 5) against a server that honours Range as
// GET /api/v1/firmware/{sha256} does; the end-to-end flows with the app are in e2e/.

const image = Uint8Array.from({ length: 4096 }, (_, i) => i % 256);
const sha256 = "c8f5d0341d54d951a71b136e6e2afcb14d11ed8489a7ae126a8fee0df6ecf193";
let server: Server;
let base = "";
const ranges: (string | null)[] = [];
let honourRange = true;
const dir = mkdtempSync(path.join(tmpdir(), "updater-"));

beforeAll(async () => {
  server = createServer((req, res) => {
    const range = req.headers.range ?? null;
    ranges.push(range);
    const m = /^bytes=(\d+)-(\d*)$/.exec(range ?? "");
    if (m && honourRange) {
      const from = Number(m[1]);
      const to = m[2] ? Number(m[2]) : image.length - 1;
      res.writeHead(206, { "content-range": `bytes ${from}-${to}/${image.length}`, "content-length": to - from + 1 });
      res.end(Buffer.from(image.subarray(from, to + 1)));
      return;
    }
    res.writeHead(200, { "content-length": image.length });
    res.end(Buffer.from(image));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

const params = () => ({
  model: "coreink-heat",
  version: "1.5.0",
  size: image.length,
  sha256,
  kid: "09e17ad8d663a41e",
  sig: "",
  url: `${base}/${sha256}`,
});
const opts = (over: Partial<UpdaterOptions> = {}): UpdaterOptions => ({
  model: "coreink-heat",
  firmwareKeys: [],
  partitionBytes: 1 << 20,
  partitionFile: path.join(dir, `p-${Math.random()}`),
  ...over,
});

describe("the simulator's image download", () => {
  it("writes exactly the signed bytes to the partition, hashing as it writes", async () => {
    const o = opts();
    expect(await downloadImage(params(), o, async () => {})).toBeNull();
    expect(Buffer.compare(readFileSync(o.partitionFile), Buffer.from(image))).toBe(0);
  });

  it("a download cut after N bytes resumes with Range: bytes=N- and ends whole", async () => {
    ranges.length = 0;
    const o = opts({ interruptAfter: 1000 });
    const seen: number[] = [];
    expect(await downloadImage(params(), o, async (n) => void seen.push(n))).toBeNull();
    expect(ranges).toEqual([null, "bytes=1000-4095"]);
    expect(seen).toEqual([1000, 4096]);
    expect(Buffer.compare(readFileSync(o.partitionFile), Buffer.from(image))).toBe(0);
  });

  it("a server that ignores Range makes it start over, still whole", async () => {
    honourRange = false;
    try {
      const o = opts({ interruptAfter: 1000 });
      expect(await downloadImage(params(), o, async () => {})).toBeNull();
      expect(readFileSync(o.partitionFile).length).toBe(image.length);
    } finally {
      honourRange = true;
    }
  });

  it("bytes changed by a mirror are hash_mismatch; an unreachable image is download_failed", async () => {
    const mirror = await startTamperingMirror(base);
    try {
      expect(await downloadImage(params(), opts({ mirror: mirror.url }), async () => {})).toBe("hash_mismatch");
    } finally {
      await mirror.close();
    }
    const gone = { ...params(), url: "http://127.0.0.1:9/none" };
    expect(await downloadImage(gone, opts({ maxAttempts: 2 }), async () => {})).toBe("download_failed");
  });
});

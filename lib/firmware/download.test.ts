import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerApi } from "../../scripts/api-server.mjs";
import { handleApiRequest } from "../api/router";
import { appDatabase } from "../db/client";
import { insertAccount } from "../provisioning/test-fixtures";
import { FIRMWARE_CHUNK_BYTES } from "./config";
import { parseRange, readImageBytes } from "./download";
import { uploadTestFirmware } from "./test-fixtures";

// GET /api/v1/firmware/{sha256} as a device fetches it: the app's own HTTP server (the one
// scripts/start.mjs runs /api/v1 with) in front of the router, spoken to with a real fetch.

let server: http.Server;
let base: string;
let bytes: Uint8Array;
let sha: string;
const size = 2 * FIRMWARE_CHUNK_BYTES + 777; // three chunks, the last one short

beforeAll(async () => {
  const { db } = await appDatabase();
  const staff = await insertAccount(db, "fwdl", "staff");
  ({ bytes } = await uploadTestFirmware(db, staff, { version: "1.5.0", size }));
  sha = createHash("sha256").update(bytes).digest("hex");
  server = http.createServer((req, res) => void answerApi(handleApiRequest, req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/firmware`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await (await appDatabase()).close();
  delete (globalThis as Record<symbol, unknown>)[Symbol.for("claimlink.database")];
});

const get = (path: string, headers: Record<string, string> = {}, method = "GET") =>
  fetch(`${base}/${path}`, { method, headers });
const slice = (a: number, b: number) => Buffer.from(bytes.subarray(a, b + 1));

describe("downloading a firmware image", () => {
  it("serves the whole image with its length, the hash as ETag and immutable caching", async () => {
    const res = await get(sha);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe(String(size));
    expect(res.headers.get("etag")).toBe(`"${sha}"`);
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    const body = Buffer.from(await res.arrayBuffer());
    expect(createHash("sha256").update(body).digest("hex")).toBe(sha);
  });

  it.each([
    ["bytes=0-99", 0, 99],
    ["bytes=100-", 100, size - 1],
    ["bytes=-500", size - 500, size - 1],
    [`bytes=${FIRMWARE_CHUNK_BYTES - 10}-${FIRMWARE_CHUNK_BYTES + 9}`, FIRMWARE_CHUNK_BYTES - 10, FIRMWARE_CHUNK_BYTES + 9],
    [`bytes=${FIRMWARE_CHUNK_BYTES}-${2 * FIRMWARE_CHUNK_BYTES + 100}`, FIRMWARE_CHUNK_BYTES, 2 * FIRMWARE_CHUNK_BYTES + 100],
    [`bytes=5-${size + 1000}`, 5, size - 1],
    [`bytes=-${size + 5}`, 0, size - 1],
    [`bytes=${size - 1}-${size - 1}`, size - 1, size - 1],
  ])("answers Range %s with 206 and exactly those bytes", async (range, a, b) => {
    const res = await get(sha, { range });
    expect(res.status).toBe(206);
    expect(res.headers.get("content-range")).toBe(`bytes ${a}-${b}/${size}`);
    expect(res.headers.get("content-length")).toBe(String(b - a + 1));
    expect(Buffer.from(await res.arrayBuffer()).equals(slice(a, b))).toBe(true);
  });

  it("resumes a cut download: the rest fetched with Range completes the hash", async () => {
    const first = Buffer.from(await (await get(sha, { range: "bytes=0-300000" })).arrayBuffer());
    const rest = Buffer.from(await (await get(sha, { range: `bytes=${first.length}-` })).arrayBuffer());
    expect(createHash("sha256").update(first).update(rest).digest("hex")).toBe(sha);
  });

  it.each([`bytes=${size}-`, `bytes=${size + 10}-${size + 20}`, "bytes=-0"])("answers %s with 416 and the size", async (range) => {
    const res = await get(sha, { range });
    expect(res.status).toBe(416);
    expect(res.headers.get("content-range")).toBe(`bytes */${size}`);
    expect((await res.json()).code).toBe("range_not_satisfiable");
  });

  it.each(["bytes=5-2", "bytes=0-1,5-6", "items=0-5", "bytes=x-"])("ignores the malformed or multiple Range %s: 200 whole", async (range) => {
    const res = await get(sha, { range });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe(String(size));
    await res.arrayBuffer();
  });

  it("answers a matching If-None-Match with 304 and no body", async () => {
    for (const inm of [`"${sha}"`, `W/"${sha}"`, `"other", "${sha}"`, "*"]) {
      const res = await get(sha, { "if-none-match": inm });
      expect(res.status, inm).toBe(304);
      expect(res.headers.get("etag")).toBe(`"${sha}"`);
      expect((await res.arrayBuffer()).byteLength).toBe(0);
    }
    expect((await get(sha, { "if-none-match": '"other"' })).status).toBe(200);
  });

  it("honours Range only when If-Range names this image", async () => {
    expect((await get(sha, { range: "bytes=0-9", "if-range": `"${sha}"` })).status).toBe(206);
    const stale = await get(sha, { range: "bytes=0-9", "if-range": '"0000"' });
    expect(stale.status).toBe(200);
    await stale.arrayBuffer();
  });

  it("answers HEAD with the headers and no body", async () => {
    const res = await get(sha, {}, "HEAD");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe(String(size));
    expect(res.headers.get("etag")).toBe(`"${sha}"`);
    expect((await res.arrayBuffer()).byteLength).toBe(0);
    const part = await get(sha, { range: "bytes=10-19" }, "HEAD");
    expect([part.status, part.headers.get("content-length"), part.headers.get("content-range")]).toEqual([206, "10", `bytes 10-19/${size}`]);
  });

  it("answers an unknown or malformed hash with a 404 problem", async () => {
    for (const path of ["0".repeat(64), sha.toUpperCase(), "not-a-hash"]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect((await res.json()).code).toBe("firmware_not_found");
    }
  });

  it("needs no authentication and refuses writes", async () => {
    const res = await fetch(`${base}/${sha}`, { method: "POST" });
    expect(res.status).toBe(405);
    await res.arrayBuffer();
  });

  it("stores the bytes it serves", async () => {
    expect((await readImageBytes((await appDatabase()).db, sha)).equals(Buffer.from(bytes))).toBe(true);
  });
});

describe("parseRange", () => {
  it("reads the three forms and clamps to the image", () => {
    expect(parseRange("bytes=0-9", 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange("bytes=90-", 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange("bytes=-10", 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange("bytes=50-500", 100)).toEqual({ start: 50, end: 99 });
    expect(parseRange("bytes=100-", 100)).toBe("unsatisfiable");
    expect(parseRange(null, 100)).toBeNull();
    expect(parseRange("bytes=-", 100)).toBeNull();
    expect(parseRange("bytes=99999999999999999-", 100)).toBe("unsatisfiable");
  });
});

import { describe, expect, it } from "vitest";
import { AppError } from "../errors/app-error";
import { bearerToken, json, queryOf, readBodyCapped, readJson } from "./request";

const URL_ = "http://localhost/api/test";

/** A body sent in chunks with no Content-Length, as a chunked upload arrives; counts what was pulled. */
function streamed(chunks: Uint8Array[], headers: Record<string, string> = {}) {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const next = chunks[pulled++];
        if (next) controller.enqueue(next);
        else controller.close();
      },
    },
    { highWaterMark: 0 }, // nothing is pulled until the reader asks
  );
  const req = new Request(URL_, { method: "POST", body, headers, duplex: "half" } as RequestInit);
  return { req, pulled: () => pulled };
}

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe("readBodyCapped", () => {
  it("refuses a declared Content-Length over the cap (413) before reading the body", async () => {
    const s = streamed([new Uint8Array(10)], { "content-length": "101" });
    const err = await refusal(readBodyCapped(s.req, 100));
    expect(err.code).toBe("payload_too_large");
    expect(err.status).toBe(413);
    expect(err.detail).toContain("100 bytes");
    expect(s.pulled()).toBe(0);
  });

  it("stops a streamed body without Content-Length as soon as it passes the cap (413)", async () => {
    const chunk = new Uint8Array(40).fill(65);
    const s = streamed([chunk, chunk, chunk, chunk, chunk, chunk]);
    expect(s.req.headers.get("content-length")).toBeNull();
    const err = await refusal(readBodyCapped(s.req, 100));
    expect(err.code).toBe("payload_too_large");
    expect(s.pulled()).toBeLessThanOrEqual(4); // 3 chunks pass the cap; the rest is never read
  });

  it("accepts a body of exactly the cap, streamed or declared", async () => {
    const s = streamed([new Uint8Array(60).fill(1), new Uint8Array(40).fill(2)]);
    const got = await readBodyCapped(s.req, 100);
    expect(got.byteLength).toBe(100);
    expect(got[0]).toBe(1);
    expect(got[99]).toBe(2);
    const declared = new Request(URL_, { method: "POST", body: "x".repeat(100) });
    expect((await readBodyCapped(declared, 100)).byteLength).toBe(100);
  });

  it("refuses one byte over the cap", async () => {
    const req = new Request(URL_, { method: "POST", body: "x".repeat(101) });
    expect((await refusal(readBodyCapped(req, 100))).code).toBe("payload_too_large");
  });

  it("reads a request without a body as zero bytes", async () => {
    expect((await readBodyCapped(new Request(URL_), 100)).byteLength).toBe(0);
  });
});

describe("readJson", () => {
  const post = (body: BodyInit, type: string | null = "application/json") =>
    new Request(URL_, { method: "POST", body, headers: type ? { "content-type": type } : {} });

  it("parses a JSON body, with or without a charset parameter", async () => {
    expect(await readJson(post('{"a":[1,"é"]}'))).toEqual({ a: [1, "é"] });
    expect(await readJson(post('{"a":1}', "application/json; charset=utf-8"))).toEqual({ a: 1 });
    expect(await readJson(post('{"a":1}', "Application/JSON"))).toEqual({ a: 1 });
  });

  it.each([null, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "application/jsonp"])(
    "refuses media type %s with unsupported_media_type (415)",
    async (type) => {
      const err = await refusal(readJson(post('{"a":1}', type)));
      expect(err.code).toBe("unsupported_media_type");
      expect(err.status).toBe(415);
    },
  );

  it("refuses invalid JSON with invalid_request (400)", async () => {
    for (const text of ["{", "", "{'a':1}", '{"a":1} trailing']) {
      const err = await refusal(readJson(post(text)));
      expect(err.code).toBe("invalid_request");
      expect(err.status).toBe(400);
    }
  });

  it("refuses invalid UTF-8 with invalid_request (400), never replacing the bytes", async () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]); // {"a":"\xff\xfe"}
    const err = await refusal(readJson(post(bytes)));
    expect(err.code).toBe("invalid_request");
  });

  it("applies its cap (64 KiB by default, or the one given)", async () => {
    const big = JSON.stringify({ s: "x".repeat(64 * 1024) });
    expect((await refusal(readJson(post(big)))).code).toBe("payload_too_large");
    expect((await refusal(readJson(post('{"s":"xxxxxxxxxx"}'), 10))).code).toBe("payload_too_large");
  });
});

describe("bearerToken", () => {
  it("returns the token of a Bearer header, trimmed", () => {
    expect(bearerToken("Bearer abc.DEF_123")).toBe("abc.DEF_123");
    expect(bearerToken("Bearer   tok  ")).toBe("tok");
  });

  it.each([null, "", "Bearer", "bearer abc", "Basic dXNlcjpwdw==", 'Claimlink-HMAC credential="crd_X"', " Bearer abc"])(
    "returns an empty string for %j",
    (header) => {
      expect(bearerToken(header)).toBe("");
    },
  );
});

describe("queryOf", () => {
  it("gives the query as a plain object, decoded, the last repeated value winning", () => {
    expect(queryOf(new Request(`${URL_}?q=a%20b&range=24h&q=c`))).toEqual({ q: "c", range: "24h" });
  });

  it("gives an empty object without a query", () => {
    expect(queryOf(new Request(URL_))).toEqual({});
  });
});

describe("json", () => {
  it("answers JSON with the status and headers given", async () => {
    const res = json({ ok: true }, 201, { "X-Test": "1" });
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("x-test")).toBe("1");
    expect(await res.json()).toEqual({ ok: true });
  });
});

import http from "node:http";
import { expect, test } from "@playwright/test";

// The app's server caps every request body before anything reads it (scripts/body-cap.mjs):
// an anonymous 200 MB form post to next-auth's sign-in would otherwise be read whole. The server
// is the same on both databases, so this runs once.

const PORT = Number(process.env.E2E_PORT ?? 3100);
const MiB = 1024 * 1024;

type Answer = { status: number; type: string | undefined; body: string };

/** Sends the headers and `sent` bytes of a body (never the rest) and waits for the answer. */
function postPart(path: string, headers: Record<string, string>, sent: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: PORT, path, method: "POST", headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, type: res.headers["content-type"], body });
        req.destroy();
      });
    });
    req.on("error", () => {}); // the server closes the connection on the body still being sent
    req.setTimeout(10_000, () => reject(new Error(`no answer from ${path} before its body was sent`)));
    req.write(Buffer.alloc(sent, "a"));
  });
}

test.skip(!!process.env.DATABASE_URL, "the server's cap does not depend on the database");

test("a body declared past 1 MiB is refused before it is read, on next-auth's routes and pages, as on the API (413 problem+json)", async () => {
  for (const path of [
    "/api/auth/callback/credentials",
    "/api/auth/signin",
    "/sign-in",
    "/api/v1/provisioning/sessions",
  ]) {
    const r = await postPart(
      path,
      {
        "Content-Type": path.startsWith("/api/v1/") ? "application/json" : "application/x-www-form-urlencoded",
        "Content-Length": String(200 * MiB),
      },
      64 * 1024,
    );
    expect(r.status, path).toBe(413);
    expect(r.type).toBe("application/problem+json");
    expect(JSON.parse(r.body)).toMatchObject({ status: 413, code: "payload_too_large" });
  }
});

test("a body of unknown length (chunked) is cut off with a 413 once past 1 MiB; a body within the cap still reaches its route", async () => {
  const chunked = await postPart(
    "/api/auth/callback/credentials",
    { "Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "chunked" },
    MiB + 64 * 1024,
  );
  expect(chunked.status).toBe(413);
  expect(JSON.parse(chunked.body)).toMatchObject({ code: "payload_too_large" });
  for (const chunkedSmall of [false, true]) {
    const small = await fetch(`http://127.0.0.1:${PORT}/api/auth/callback/credentials`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: chunkedSmall ? new Blob(["a".repeat(1000)]).stream() : "a".repeat(MiB - 10),
      redirect: "manual",
      ...(chunkedSmall ? { duplex: "half" } : {}),
    } as RequestInit);
    expect(small.status).not.toBe(413);
    expect(small.status).toBeLessThan(500);
  }
});

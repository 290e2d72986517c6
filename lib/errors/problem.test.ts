import { afterEach, describe, expect, it, vi } from "vitest";
import { AppError, ERROR_STATUS, type ErrorCode } from "./app-error";
import { asAppError, newRequestId, problemBody, problemHeaders, problemResponse, toProblem } from "./problem";

afterEach(() => vi.restoreAllMocks());

describe("problem+json (RFC 9457 with the protocol's code and a request id)", () => {
  it("problemBody has type, title, status, code, detail and requestId, and nothing else", () => {
    const body = JSON.parse(problemBody(new AppError("device_not_found", "No such device."), "req_0123456789abcdef"));
    expect(body).toEqual({
      type: "about:blank",
      title: "Device not found",
      status: 404,
      code: "device_not_found",
      detail: "No such device.",
      requestId: "req_0123456789abcdef",
    });
  });

  it("lists field errors and the wait when the error has them", () => {
    const err = new AppError("invalid_request", "name is required", {
      errors: [{ path: "name", message: "is required" }],
      retryAfterSeconds: 42,
    });
    const body = JSON.parse(problemBody(err, "req_x"));
    expect(body.errors).toEqual([{ path: "name", message: "is required" }]);
    expect(body.retryAfterSeconds).toBe(42);
  });

  it("every code has a status and a title", () => {
    for (const code of Object.keys(ERROR_STATUS) as ErrorCode[]) {
      const err = new AppError(code, "d");
      expect(err.status).toBe(ERROR_STATUS[code]);
      expect(err.title.length).toBeGreaterThan(0);
    }
  });

  it("problemHeaders: problem+json, no-store, the request id, and Retry-After only with a wait", () => {
    const plain = problemHeaders(new AppError("not_found", "x"), "req_a", { "X-Extra": "1" });
    expect(plain.get("content-type")).toBe("application/problem+json");
    expect(plain.get("cache-control")).toBe("no-store");
    expect(plain.get("x-request-id")).toBe("req_a");
    expect(plain.get("x-extra")).toBe("1");
    expect(plain.has("retry-after")).toBe(false);
    const limited = problemHeaders(new AppError("rate_limited", "x", { retryAfterSeconds: 17 }), "req_b");
    expect(limited.get("retry-after")).toBe("17");
  });

  it("problemResponse answers with the error's status and exact body", async () => {
    const err = new AppError("rate_limited", "Too many.", { retryAfterSeconds: 5 });
    const res = problemResponse(err, "req_c");
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(await res.text()).toBe(problemBody(err, "req_c"));
  });

  it("newRequestId is req_ and 16 hex characters, different every time", () => {
    const a = newRequestId();
    expect(a).toMatch(/^req_[0-9a-f]{16}$/);
    expect(newRequestId()).not.toBe(a);
  });
});

describe("asAppError and toProblem: internal causes never reach a client", () => {
  it("keeps an AppError as it is", () => {
    const err = new AppError("conflict", "Already done.");
    expect(asAppError(err, "req_x")).toBe(err);
  });

  it("turns anything else into a generic 500 and logs the cause under the request id", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const secret = new Error('relation "users" does not exist at postgres://admin:hunter2@db');
    const res = toProblem(secret, "req_leak");
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("relation");
    const body = JSON.parse(text);
    expect(body).toMatchObject({ status: 500, code: "internal_error", requestId: "req_leak" });
    expect(body.detail).toContain("request id");
    expect(log).toHaveBeenCalledWith("[req_leak]", secret);
    for (const thrown of ["a string", null, { code: "not_found" }]) {
      expect(asAppError(thrown, "req_y").code).toBe("internal_error");
    }
  });
});

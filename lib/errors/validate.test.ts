import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "./app-error";
import { hasNoControlChars, isUniqueViolation, parseJsonText, parseOrThrow, sqlState } from "./validate";

const schema = z.strictObject({ name: z.string().min(1, "is required"), age: z.number().int().min(0) });

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error("did not throw");
}

describe("parseOrThrow", () => {
  it("returns the parsed value", () => {
    expect(parseOrThrow(schema, { name: "A", age: 3 })).toEqual({ name: "A", age: 3 });
  });

  it("throws invalid_request listing every field's problem by path", () => {
    const err = thrown(() => parseOrThrow(schema, { name: "", age: -1 }));
    expect(err.code).toBe("invalid_request");
    expect(err.status).toBe(400);
    expect(err.extra.errors).toEqual([
      { path: "name", message: "is required" },
      { path: "age", message: expect.any(String) },
    ]);
    expect(err.detail).toContain("name is required");
    expect(err.detail).toContain("age ");
  });

  it("names unknown keys and a body that is not an object under (body)", () => {
    expect(thrown(() => parseOrThrow(schema, { name: "A", age: 1, admin: true })).extra.errors?.[0].path).toBe(
      "(body)",
    );
    expect(thrown(() => parseOrThrow(schema, "nope")).extra.errors).toEqual([
      { path: "(body)", message: expect.any(String) },
    ]);
  });

  it("joins nested paths with dots", () => {
    const nested = z.object({ params: z.object({ every: z.number() }) });
    expect(thrown(() => parseOrThrow(nested, { params: { every: "x" } })).extra.errors?.[0].path).toBe("params.every");
  });
});

describe("parseJsonText, hasNoControlChars, isUniqueViolation", () => {
  it("parses JSON or throws invalid_request", () => {
    expect(parseJsonText('{"a":1}')).toEqual({ a: 1 });
    expect(thrown(() => parseJsonText("{")).code).toBe("invalid_request");
  });

  it("refuses C0 control characters and DEL, allows the rest of Unicode", () => {
    expect(hasNoControlChars("Living room – Ünïcødé 🌡")).toBe(true);
    for (const c of ["\n", "\t", "\u0000", "\u001b", "\u007f"]) expect(hasNoControlChars(`a${c}b`)).toBe(false);
  });

  it("recognises SQLSTATE 23505 from either driver", () => {
    expect(isUniqueViolation({ code: "23505" })).toBe(true);
    expect(isUniqueViolation({ cause: { code: "23505" } })).toBe(true);
    expect(isUniqueViolation({ code: "23503" })).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
  });

  it("reads a SQLSTATE from the error or the error it wraps, and nothing that is not one", () => {
    expect(sqlState({ code: "55P03" })).toBe("55P03");
    expect(sqlState({ cause: { code: "40P01" } })).toBe("40P01");
    // A wrapper's own code that is no SQLSTATE does not hide the database's.
    expect(sqlState({ code: "ERR_QUERY", cause: { code: "23505" } })).toBe("23505");
    expect(sqlState({ code: 23505 })).toBeUndefined();
    // A Node system error's code passed on by a driver is not one.
    expect(sqlState({ code: "EPIPE" })).toBeUndefined();
    expect(sqlState({ code: "EPERM", cause: { code: "57P01" } })).toBe("57P01");
    expect(sqlState(new Error("no code"))).toBeUndefined();
    expect(sqlState(undefined)).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { AppError } from "./errors/app-error";
import { ID_KINDS, idOrNotFound, idSchema, isId, newId, notFound, type IdPrefix } from "./ids";

const PREFIXES = Object.keys(ID_KINDS) as IdPrefix[];

describe("ids: one table of prefixed public ids", () => {
  it.each(PREFIXES)("newId(%s) is the prefix and 16 base32 characters, different every time", (prefix) => {
    const ids = new Set(Array.from({ length: 50 }, () => newId(prefix)));
    expect(ids.size).toBe(50);
    for (const id of ids) {
      expect(id).toMatch(new RegExp(`^${prefix}_[A-Z2-7]{16}$`));
      expect(isId(prefix, id)).toBe(true);
      expect(idSchema(prefix).safeParse(id).success).toBe(true);
    }
  });

  it.each(PREFIXES)("isId and idSchema(%s) refuse every other kind's id", (prefix) => {
    for (const other of PREFIXES.filter((p) => p !== prefix)) {
      const id = newId(other);
      expect(isId(prefix, id)).toBe(false);
      expect(idSchema(prefix).safeParse(id).success).toBe(false);
    }
  });

  it("refuses wrong lengths, lower case, non-base32 characters, padding and non-strings", () => {
    const id = newId("dev");
    for (const bad of [
      id.slice(0, -1),
      `${id}A`,
      id.toLowerCase(),
      "dev_0000000000000000", // 0 and 1 are not base32
      "dev_AAAAAAAAAAAAAAA1",
      ` ${id}`,
      `${id}\n`,
      "dev_",
      "",
    ]) {
      expect(isId("dev", bad)).toBe(false);
      expect(idSchema("dev").safeParse(bad).success).toBe(false);
    }
    for (const v of [null, undefined, 42, { id }]) expect(isId("dev", v)).toBe(false);
  });

  it("names the kind in idSchema's message", () => {
    const r = idSchema("inv").safeParse("x");
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].message).toBe("is not an invitation id");
    expect(idSchema("dev").safeParse("x").error?.issues[0].message).toBe("is not a device id");
  });

  it("idOrNotFound returns a well-formed id as it is", () => {
    const id = newId("clm");
    expect(idOrNotFound("clm", id)).toBe(id);
  });

  it.each([
    ["usr", "not_found", 404],
    ["ses", "not_found", 404],
    ["inv", "not_found", 404],
    ["dev", "device_not_found", 404],
    ["crd", "unknown_credential", 401],
    ["clm", "claim_not_found", 404],
    ["cmd", "command_not_found", 404],
  ] as const)("a malformed %s id answers %s (%d), like one that does not exist", (prefix, code, status) => {
    for (const bad of [undefined, "", "nope", newId(prefix === "usr" ? "dev" : "usr")]) {
      let err: unknown;
      try {
        idOrNotFound(prefix, bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe(code);
      expect((err as AppError).status).toBe(status);
    }
    expect(notFound(prefix).code).toBe(code);
  });
});

import { describe, expect, it } from "vitest";
import { base32Decode, base32Encode, normalizeTyped } from "./base32";

const enc = (s: string) => base32Encode(new TextEncoder().encode(s));

describe("base32 (RFC 4648 section 10, unpadded)", () => {
  it.each([
    ["", ""],
    ["f", "MY"],
    ["fo", "MZXQ"],
    ["foo", "MZXW6"],
    ["foob", "MZXW6YQ"],
    ["fooba", "MZXW6YTB"],
    ["foobar", "MZXW6YTBOI"],
  ])("encodes %j as %s and back", (plain, encoded) => {
    expect(enc(plain)).toBe(encoded);
    expect(new TextDecoder().decode(base32Decode(encoded)!)).toBe(plain);
  });

  it("refuses characters outside the alphabet", () => {
    expect(base32Decode("MZXW1")).toBeNull();
    expect(base32Decode("mzxw6")).toBeNull();
  });

  it("reads typed codes case- and separator-insensitively", () => {
    expect(normalizeTyped(" w53b-7gla zNR4 ")).toBe("W53B7GLAZNR4");
  });
});

import { describe, expect, it } from "vitest";
import { readEnv } from "../env";
import { parseFirmwareKeys } from "./keys";
import { generateFirmwareKey } from "./sign";
import { TEST_FIRMWARE_KID, TEST_FIRMWARE_PUBLIC_KEY } from "./test-fixtures";

describe("CLAIMLINK_FIRMWARE_KEYS", () => {
  it("lists keys with their kid, separated by commas or spaces", () => {
    const other = generateFirmwareKey();
    expect(parseFirmwareKeys(`${TEST_FIRMWARE_PUBLIC_KEY}, ${other.publicKey}`)).toEqual([
      { kid: TEST_FIRMWARE_KID, alg: "ES256", publicKey: TEST_FIRMWARE_PUBLIC_KEY },
      { kid: other.kid, alg: "ES256", publicKey: other.publicKey },
    ]);
  });

  it("gives no keys when unset or empty", () => {
    expect(parseFirmwareKeys(undefined)).toEqual([]);
    expect(parseFirmwareKeys(" , ")).toEqual([]);
  });

  it.each([
    ["not base64url", "BKKQ+eQB", /entry 1 .*not base64url/],
    ["a private key", "XMvbF9bTCVpzrYQMBiiCAh68yL-vzMzzpaeiMTiuyAs", /65-byte/],
    ["a compressed point", "A" + TEST_FIRMWARE_PUBLIC_KEY.slice(1, 44), /65-byte/],
    ["a point off the curve", TEST_FIRMWARE_PUBLIC_KEY.slice(0, -2) + "tA", /not a point on P-256/],
    ["the same key twice", `${TEST_FIRMWARE_PUBLIC_KEY},${TEST_FIRMWARE_PUBLIC_KEY}`, /entry 2 .*listed twice/],
  ])("refuses %s", (_what, spec, message) => {
    expect(() => parseFirmwareKeys(spec)).toThrow(message);
  });

  it("refuses to start with a bad entry, naming the variable", () => {
    expect(() => readEnv({ ...process.env, CLAIMLINK_FIRMWARE_KEYS: `${TEST_FIRMWARE_PUBLIC_KEY},oops!` })).toThrow(
      /CLAIMLINK_FIRMWARE_KEYS: entry 2/,
    );
    expect(readEnv({ ...process.env, CLAIMLINK_FIRMWARE_KEYS: TEST_FIRMWARE_PUBLIC_KEY }).firmwareKeys).toHaveLength(1);
  });

  it("bounds CLAIMLINK_FIRMWARE_MAX_BYTES and checks CLAIMLINK_FIRMWARE_BASE_URL", () => {
    expect(readEnv({ ...process.env, CLAIMLINK_FIRMWARE_MAX_BYTES: undefined }).CLAIMLINK_FIRMWARE_MAX_BYTES).toBe(4 * 1024 * 1024);
    expect(() => readEnv({ ...process.env, CLAIMLINK_FIRMWARE_MAX_BYTES: "0" })).toThrow(/CLAIMLINK_FIRMWARE_MAX_BYTES/);
    expect(() => readEnv({ ...process.env, CLAIMLINK_FIRMWARE_MAX_BYTES: String(2 ** 31) })).toThrow(/at most/);
    expect(() => readEnv({ ...process.env, CLAIMLINK_FIRMWARE_BASE_URL: "ftp://mirror.example.org/" })).toThrow(
      /CLAIMLINK_FIRMWARE_BASE_URL/,
    );
  });
});

import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseFirmwareKeys } from "./keys";
import { firmwareKid, firmwarePublicKeyOf, firmwareSigned, generateFirmwareKey, signFirmware, verifyFirmware } from "./sign";
import { TEST_FIRMWARE_KID, TEST_FIRMWARE_PRIVATE_KEY, TEST_FIRMWARE_PUBLIC_KEY, testImage } from "./test-fixtures";

// docs/protocol.md "Test vectors", firmware updates (1.2).
const VECTOR_SIG = "bKpWxhUt30XOWkpy7ukEiNVOHOKOqnzIfbi9zpPUe4qy-wvvKpeNUyRi-4FJjneIHsa_2QO-YJIl6mNGQ8MCow";
const image = testImage();
const sha256 = createHash("sha256").update(image).digest("hex");
const manifest = { model: "coreink-heat", version: "1.5.0", size: 4096, sha256 };
const keys = parseFirmwareKeys(TEST_FIRMWARE_PUBLIC_KEY);

describe("firmware signatures (protocol vectors)", () => {
  it("derives the test key's public point and kid", () => {
    expect(firmwarePublicKeyOf(TEST_FIRMWARE_PRIVATE_KEY)).toEqual({ publicKey: TEST_FIRMWARE_PUBLIC_KEY, kid: TEST_FIRMWARE_KID });
    expect(firmwareKid(TEST_FIRMWARE_PUBLIC_KEY)).toBe("09e17ad8d663a41e");
  });

  it("builds firmwareSigned of the test image", () => {
    expect(sha256).toBe("c8f5d0341d54d951a71b136e6e2afcb14d11ed8489a7ae126a8fee0df6ecf193");
    expect(createHash("sha256").update(firmwareSigned(manifest)).digest("hex")).toBe(
      "72b5b2d69158db93140b00e2049828c3593bc4479c2ba6ac3b64bc61a45cb6f4",
    );
  });

  it("verifies the vector signature, and not over another version", () => {
    expect(verifyFirmware(keys, manifest, VECTOR_SIG)?.kid).toBe(TEST_FIRMWARE_KID);
    expect(verifyFirmware(keys, { ...manifest, version: "1.5.1" }, VECTOR_SIG)).toBeNull();
  });

  it("signs so that the key verifies, and nothing else does", () => {
    const sig = signFirmware(TEST_FIRMWARE_PRIVATE_KEY, manifest);
    expect(sig).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(verifyFirmware(keys, manifest, sig)).not.toBeNull();
    for (const changed of [{ model: "coreink-cold" }, { size: 4095 }, { sha256: "0".repeat(64) }])
      expect(verifyFirmware(keys, { ...manifest, ...changed }, sig)).toBeNull();
    const other = generateFirmwareKey();
    expect(verifyFirmware(parseFirmwareKeys(other.publicKey), manifest, sig)).toBeNull();
    expect(verifyFirmware([], manifest, sig)).toBeNull();
  });

  it("finds the signing key among several", () => {
    const other = generateFirmwareKey();
    const both = parseFirmwareKeys(`${other.publicKey},${TEST_FIRMWARE_PUBLIC_KEY}`);
    const sig = signFirmware(other.privateKey, manifest);
    expect(verifyFirmware(both, manifest, sig)?.kid).toBe(other.kid);
    expect(verifyFirmware(both, manifest, VECTOR_SIG)?.kid).toBe(TEST_FIRMWARE_KID);
  });

  it("refuses malformed signatures rather than throwing", () => {
    for (const sig of ["", "x", VECTOR_SIG + "A", VECTOR_SIG.slice(0, -1) + "x", "A".repeat(86), `${VECTOR_SIG}=`])
      expect(verifyFirmware(keys, manifest, sig)).toBeNull();
  });

  it("refuses a private key that is not 32 bytes of base64url", () => {
    expect(() => signFirmware("short", manifest)).toThrow(/32 bytes/);
    expect(() => firmwarePublicKeyOf(TEST_FIRMWARE_PRIVATE_KEY + "A")).toThrow(/32 bytes/);
  });
});

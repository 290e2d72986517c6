import { describe, expect, it } from "vitest";
import { compareWebVersions, parseWebVersion, pinWebKey, verifyWebFirmware } from "./web-device";

// docs/protocol.md "Test vectors", firmware updates (1.2), against the emulator's WebCrypto code.
const firmwareKey = "BKKQIeQBp4PRfpJ60tORaCiePAcw1uQCinD__Yb97vhChF75bFlf1OLmgYntCMYfFTJPMikyOgEMQEonoWfPQts";
const vector = {
  model: "coreink-heat",
  version: "1.5.0",
  size: 4096,
  sha256: "c8f5d0341d54d951a71b136e6e2afcb14d11ed8489a7ae126a8fee0df6ecf193",
  kid: "09e17ad8d663a41e",
  sig: "bKpWxhUt30XOWkpy7ukEiNVOHOKOqnzIfbi9zpPUe4qy-wvvKpeNUyRi-4FJjneIHsa_2QO-YJIl6mNGQ8MCow",
};

describe("the emulator's firmware checks (section 7)", () => {
  it("verifies the vector signature with the pinned key, and not over version 1.5.1 or another kid", async () => {
    const keys = [await pinWebKey(firmwareKey)];
    expect(keys[0].kid).toBe(vector.kid);
    expect(await verifyWebFirmware(keys, vector)).toBe(true);
    expect(await verifyWebFirmware(keys, { ...vector, version: "1.5.1" })).toBe(false);
    expect(await verifyWebFirmware(keys, { ...vector, kid: "0000000000000000" })).toBe(false);
    expect(await verifyWebFirmware([], vector)).toBe(false);
  });

  it("orders versions as Semantic Versioning 2.0 and refuses what is not one", () => {
    const order = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.10.0"];
    for (let i = 1; i < order.length; i++) {
      expect(compareWebVersions(parseWebVersion(order[i - 1])!, parseWebVersion(order[i])!)).toBeLessThan(0);
      expect(compareWebVersions(parseWebVersion(order[i])!, parseWebVersion(order[i - 1])!)).toBeGreaterThan(0);
    }
    expect(compareWebVersions(parseWebVersion("1.1.0")!, parseWebVersion("1.1.0")!)).toBe(0);
    for (const bad of ["web-1.1", "01.0.0", "1.0", "1.0.0-", "1.0.0-a..b", "1.0.0-01", "65536.0.0"])
      expect(parseWebVersion(bad)).toBeNull();
  });
});

import { createHash, generateKeyPairSync, type KeyObject } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  ImageHash,
  checkUpdate,
  compareVersions,
  firmwareKid,
  firmwareSigned,
  parseVersion,
  pinFirmwareKeys,
  verifyFirmwareSignature,
  type DeviceFirmware,
} from "./firmware-update";
import { hexSha256 } from "./protocol";
import { signFirmwareText, testFirmwareKey } from "../scripts/test-keys.mjs";

// docs/protocol.md "Test vectors", firmware updates (1.2).
const firmwareKey = "BKKQIeQBp4PRfpJ60tORaCiePAcw1uQCinD__Yb97vhChF75bFlf1OLmgYntCMYfFTJPMikyOgEMQEonoWfPQts";
const image = Uint8Array.from({ length: 4096 }, (_, i) => i % 256);
const imageHash = "c8f5d0341d54d951a71b136e6e2afcb14d11ed8489a7ae126a8fee0df6ecf193";
const vectorSig = "bKpWxhUt30XOWkpy7ukEiNVOHOKOqnzIfbi9zpPUe4qy-wvvKpeNUyRi-4FJjneIHsa_2QO-YJIl6mNGQ8MCow";
const kid = "09e17ad8d663a41e";

// The test firmware key's private half (scripts/test-keys.mjs, for tests only) signs the refusal cases.
const privateKey = testFirmwareKey;
const signWith = (key: KeyObject, text: string) => signFirmwareText(text, key);

const device: DeviceFirmware = {
  model: "coreink-heat",
  running: "1.4.2",
  keys: pinFirmwareKeys([firmwareKey]),
  partitionBytes: 8192,
};

function params(over: Record<string, unknown> = {}, signAs: KeyObject = privateKey) {
  const p = { model: "coreink-heat", version: "1.5.0", size: 4096, sha256: imageHash, kid, ...over };
  const sig = signWith(signAs, firmwareSigned(p as never));
  return { ...p, sig, url: `http://127.0.0.1:9/api/v1/firmware/${imageHash}`, ...over };
}

describe("section 7 test vectors (device)", () => {
  it("kid, the image's hash and the hash of firmwareSigned", () => {
    expect(firmwareKid(firmwareKey)).toBe(kid);
    expect(hexSha256(image)).toBe(imageHash);
    const signed = firmwareSigned({ model: "coreink-heat", version: "1.5.0", size: 4096, sha256: imageHash });
    expect(hexSha256(signed)).toBe("72b5b2d69158db93140b00e2049828c3593bc4479c2ba6ac3b64bc61a45cb6f4");
  });
  it("the published signature verifies; the same over version 1.5.1, or with another kid, does not", () => {
    const keys = pinFirmwareKeys([firmwareKey]);
    const signed = (version: string) =>
      firmwareSigned({ model: "coreink-heat", version, size: 4096, sha256: imageHash });
    expect(verifyFirmwareSignature(keys, kid, vectorSig, signed("1.5.0"))).toBe(true);
    expect(verifyFirmwareSignature(keys, kid, vectorSig, signed("1.5.1"))).toBe(false);
    expect(verifyFirmwareSignature(keys, "0000000000000000", vectorSig, signed("1.5.0"))).toBe(false);
    expect(verifyFirmwareSignature([], kid, vectorSig, signed("1.5.0"))).toBe(false);
    expect(verifyFirmwareSignature(keys, kid, vectorSig.slice(0, -1), signed("1.5.0"))).toBe(false);
    // the same 64 bytes with non-zero trailing bits in the last character: not base64url as sent
    const last = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".indexOf(vectorSig.at(-1)!);
    const loose = vectorSig.slice(0, -1) + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[last | 1];
    expect(Buffer.from(loose, "base64url").equals(Buffer.from(vectorSig, "base64url"))).toBe(true);
    expect(verifyFirmwareSignature(keys, kid, loose, signed("1.5.0"))).toBe(false);
  });
  it("the vector's command passes checks 1 to 4 on a coreink-heat running 1.4.2", () => {
    const r = checkUpdate(device, { ...params(), sig: vectorSig });
    expect(r).toMatchObject({ ok: true, params: { version: "1.5.0", size: 4096 } });
  });
});

describe("the ordered checks of section 7", () => {
  const code = (p: unknown, d = device) => {
    const r = checkUpdate(d, p);
    return r.ok ? "ok" : r.code;
  };
  it("1. another model is wrong_model, before anything else is looked at", () => {
    expect(code(params({ model: "other-model" }))).toBe("wrong_model");
    expect(code({ ...params({ model: "other-model" }), sig: "x", version: "0.0.1" })).toBe("wrong_model");
    expect(code(null)).toBe("wrong_model");
  });
  it("2. a key this firmware does not pin, a wrong signature or unsignable params are bad_signature", () => {
    const { privateKey: stranger, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const strangerRaw = publicKey.export({ format: "jwk" });
    const strangerKid = firmwareKid(
      Buffer.concat([
        Buffer.from([4]),
        Buffer.from(strangerRaw.x!, "base64url"),
        Buffer.from(strangerRaw.y!, "base64url"),
      ]).toString("base64url"),
    );
    expect(code(params({ kid: strangerKid }, stranger))).toBe("bad_signature"); // signed by an unknown key
    expect(code(params({}, stranger))).toBe("bad_signature"); // names our kid, signed by another key
    expect(code({ ...params(), version: "1.5.1" })).toBe("bad_signature"); // the vector's "must not verify"
    expect(code({ ...params(), size: 4095 })).toBe("bad_signature");
    expect(code({ ...params(), sha256: "0".repeat(64) })).toBe("bad_signature");
    expect(code({ ...params(), size: "4096" })).toBe("bad_signature");
    expect(code({ ...params(), sha256: imageHash.toUpperCase() })).toBe("bad_signature");
    expect(code({ ...params(), sig: undefined })).toBe("bad_signature");
  });
  it("3. a version that does not order above the running one is downgrade, even when signed", () => {
    expect(code(params({ version: "1.4.2" }))).toBe("downgrade");
    expect(code(params({ version: "1.4.1" }))).toBe("downgrade");
    expect(code(params({ version: "1.4.2-rc.1" }))).toBe("downgrade");
    expect(code(params({ version: "01.5.0" }))).toBe("downgrade"); // signed, but not a version
    expect(code(params({ version: "1.4.3-rc.1" }))).toBe("ok");
  });
  it("4. an image larger than the update partition is too_large", () => {
    expect(code(params(), { ...device, partitionBytes: 4095 })).toBe("too_large");
    expect(code(params(), { ...device, partitionBytes: 4096 })).toBe("ok");
  });
  it("refuses to run with a running version that is not one", () => {
    expect(() => checkUpdate({ ...device, running: "v1" }, params())).toThrow();
  });
});

describe("version order (Semantic Versioning 2.0 within section 7's limits)", () => {
  const v = (t: string) => {
    const p = parseVersion(t);
    if (!p) throw new Error(`not a version: ${t}`);
    return p;
  };
  it("orders the SemVer 2.0 example chain", () => {
    const chain = [
      "1.0.0-alpha",
      "1.0.0-alpha.1",
      "1.0.0-alpha.beta",
      "1.0.0-beta",
      "1.0.0-beta.2",
      "1.0.0-beta.11",
      "1.0.0-rc.1",
      "1.0.0",
      "1.0.1",
      "1.1.0",
      "2.0.0",
      "65535.65535.65535",
    ];
    for (let i = 0; i + 1 < chain.length; i++) {
      expect(compareVersions(v(chain[i]), v(chain[i + 1]))).toBe(-1);
      expect(compareVersions(v(chain[i + 1]), v(chain[i]))).toBe(1);
    }
    expect(compareVersions(v("1.2.3-rc.1"), v("1.2.3-rc.1"))).toBe(0);
    expect(compareVersions(v("1.10.0"), v("1.9.0"))).toBe(1); // numbers, not text
    expect(compareVersions(v("1.0.0-2"), v("1.0.0-10"))).toBe(-1);
    expect(compareVersions(v("1.0.0-9"), v("1.0.0-a"))).toBe(-1); // numeric below alphanumeric
    expect(compareVersions(v("1.0.0-A"), v("1.0.0-a"))).toBe(-1); // ASCII order
    // numeric identifiers beyond a double's precision still compare exactly
    expect(
      compareVersions(v("1.0.0-99999999999999999999999999999998"), v("1.0.0-99999999999999999999999999999999")),
    ).toBe(-1);
  });
  it("accepts the limits and refuses past them", () => {
    expect(parseVersion("0.0.0")).toEqual({ major: 0, minor: 0, patch: 0, pre: [] });
    expect(parseVersion("65535.65535.65535")).not.toBeNull();
    expect(parseVersion(`1.0.0-${"a".repeat(32)}`)).not.toBeNull();
    for (const bad of [
      "65536.0.0",
      "0.65536.0",
      "0.0.65536",
      "99999.0.0",
      "01.0.0",
      "1.00.0",
      "1.0.01",
      "1.0",
      "1.0.0.0",
      "v1.0.0",
      "1.0.0-",
      `1.0.0-${"a".repeat(33)}`,
      "1.0.0-a..b",
      "1.0.0-.a",
      "1.0.0-a.",
      "1.0.0-01",
      "1.0.0-a_b",
      "1.0.0+build",
      " 1.0.0",
      "1.0.0\n",
      "-1.0.0",
    ])
      expect(parseVersion(bad), bad).toBeNull();
  });
});

describe("the image's streaming hash (check 5)", () => {
  it("hashes in chunks to params.sha256; a byte changed is hash_mismatch", () => {
    const h = new ImageHash(4096, imageHash);
    for (let i = 0; i < 4096; i += 1000) h.update(image.subarray(i, i + 1000));
    expect(h.rangeHeader()).toBeNull();
    expect(h.finish()).toBeNull();
    const tampered = Uint8Array.from(image);
    tampered[4000] ^= 1;
    const t = new ImageHash(4096, imageHash);
    t.update(tampered);
    expect(t.finish()).toBe("hash_mismatch");
  });
  it("resumes after a cut from the bytes already stored, asking for the rest with Range", () => {
    const h = new ImageHash(4096, imageHash);
    h.update(image.subarray(0, 1500));
    // the connection drops; a reboot loses the hash state but the partition kept 1500 bytes
    const again = new ImageHash(4096, imageHash);
    again.resumeFrom(image.subarray(0, 1500));
    expect(again.offset).toBe(1500);
    expect(again.rangeHeader()).toBe("bytes=1500-4095");
    again.update(image.subarray(1500));
    expect(again.finish()).toBeNull();
    expect(createHash("sha256").update(image).digest("hex")).toBe(imageHash);
  });
  it("a short image is download_failed; more bytes than signed are refused", () => {
    const h = new ImageHash(4096, imageHash);
    h.update(image.subarray(0, 4000));
    expect(h.finish()).toBe("download_failed");
    const over = new ImageHash(4096, imageHash);
    over.update(image);
    expect(() => over.update(Uint8Array.of(0))).toThrow();
  });
});

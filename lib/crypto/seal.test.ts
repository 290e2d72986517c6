import { createCipheriv, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { keyringOf, open, seal, sealedKeyId, sealingKeyId, UnopenableSealError } from "./seal";

const secret = Buffer.from("device secret bytes");

/** A value in the format before keyrings: `v1.<iv|ct|tag>`, the row id as associated data. */
function sealV1(key: Buffer, plaintext: Buffer, aad: string) {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", key, iv);
  c.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([c.update(plaintext), c.final()]);
  return `v1.${Buffer.concat([iv, ct, c.getAuthTag()]).toString("base64url")}`;
}

describe("sealing with a keyring", () => {
  it("names the sealing key in the value and opens with any key of the ring", () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const before = seal(keyringOf([oldKey]), secret, "crd_1");
    expect(sealedKeyId(before)).toBe(sealingKeyId(oldKey));
    const rotated = keyringOf([newKey, oldKey]);
    expect(open(rotated, before, "crd_1")).toEqual(secret);
    const after = seal(rotated, secret, "crd_1");
    expect(sealedKeyId(after)).toBe(sealingKeyId(newKey));
    expect(open(keyringOf([newKey]), after, "crd_1")).toEqual(secret);
  });

  it("accepts a raw key wherever a keyring goes (the callers that predate keyrings)", () => {
    const key = randomBytes(32);
    expect(open(keyringOf([key]), seal(key, secret, "a"), "a")).toEqual(secret);
    expect(open(key, seal(keyringOf([key]), secret, "a"), "a")).toEqual(secret);
  });

  it("still opens the v1 format with the key that sealed it", () => {
    const key = randomBytes(32);
    const v1 = sealV1(key, secret, "crd_1");
    expect(sealedKeyId(v1)).toBeNull();
    expect(open(keyringOf([randomBytes(32), key]), v1, "crd_1")).toEqual(secret);
    expect(() => open(keyringOf([randomBytes(32)]), v1, "crd_1")).toThrow(UnopenableSealError);
  });

  it("refuses a lost key, another row's associated data, a forged key id and garbage", () => {
    const key = randomBytes(32);
    const sealed = seal(key, secret, "crd_1");
    expect(() => open(randomBytes(32), sealed, "crd_1")).toThrow(UnopenableSealError);
    expect(() => open(key, sealed, "crd_2")).toThrow(UnopenableSealError);
    const other = randomBytes(32);
    const relabelled = sealed.replace(sealingKeyId(key), sealingKeyId(other));
    expect(() => open(keyringOf([key, other]), relabelled, "crd_1")).toThrow(UnopenableSealError);
    for (const junk of ["", "v2", "v2..", "v3.x.y", `v2.${sealingKeyId(key)}.AAAA`]) {
      expect(() => open(key, junk, "crd_1")).toThrow(UnopenableSealError);
    }
  });

  it("refuses an empty keyring, a short key and a key listed twice", () => {
    const key = randomBytes(32);
    expect(() => keyringOf([])).toThrow();
    expect(() => keyringOf([randomBytes(16)])).toThrow();
    expect(() => keyringOf([key, Buffer.from(key)])).toThrow();
  });
});

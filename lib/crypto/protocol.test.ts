import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  bindMac,
  deriveDeviceSecret,
  deviceProof,
  popAt,
  requestSignature,
  responseMac,
  serverProof,
  sha256Hex,
  verifyDeviceProof,
} from "./protocol";
import { open, seal } from "./seal";

// docs/protocol.md "Test vectors", verbatim.
const V = {
  popSeed: Buffer.from("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "hex"),
  sid: "MFRGGZDFMZTWQ2LKNNWG23TPOA",
  t: 1795392000,
  T: 59846400,
  claimId: "clm_01JZ8Q4T9W6V3X2Y1Z0A5B7C8D",
  nonce: "c2VydmVyLWNoYWxsZW5nZS1ub25jZS0zMi1ieXRlcyE",
  deviceNonce: "ZGV2aWNlLW5vbmNlLTE2Yg",
  deviceId: "dev_7KQ2M9XR",
  credentialId: "crd_4FJ8W2PZ",
  body: '{"measurements":[{"property":"temperature","unit":"Cel","time":"2026-11-23T00:00:00Z","value":21.5}]}',
  requestNonce: "cmVxdWVzdC1ub25jZS0xNmI",
};

describe("protocol test vectors (server implementation)", () => {
  const pop = popAt(V.popSeed, V.sid, V.T);
  const secret = deriveDeviceSecret(pop, V.sid, V.claimId, V.nonce, V.deviceNonce);

  it("PoP(T) and PoP(T-1)", () => {
    expect(Math.floor(V.t / 30)).toBe(V.T);
    expect(pop).toBe("W53B7GLAZNR4AYB3JAGRCVVAME");
    expect(popAt(V.popSeed, V.sid, V.T - 1)).toBe("C7HHHXE4SN6QV76XC7FAIWUD7Q");
  });
  it("serverProof", () => {
    expect(serverProof(pop, V.sid, V.claimId, V.nonce)).toBe("-kHmFSaIpD76p1dYhhhK4YWj2Wl-E-8Dzu8NXceF2mg");
  });
  it("deviceProof, checked in constant time", () => {
    const proof = "caUxHRtBQLISReeycb-Muh7SEUKru8Zg_1Tnh9bujCE";
    expect(deviceProof(pop, V.sid, V.claimId, V.nonce, V.deviceNonce)).toBe(proof);
    expect(verifyDeviceProof(pop, V.sid, V.claimId, V.nonce, V.deviceNonce, proof)).toBe(true);
    expect(verifyDeviceProof("C7HHHXE4SN6QV76XC7FAIWUD7Q", V.sid, V.claimId, V.nonce, V.deviceNonce, proof)).toBe(
      false,
    );
    expect(verifyDeviceProof(pop, V.sid, V.claimId, V.nonce, V.deviceNonce, proof.slice(1))).toBe(false);
  });
  it("deviceSecret", () => {
    expect(secret.toString("hex")).toBe("7cf0fedbd8904be7412215e083c750fdc96ceb6b9ad26fbdad8d10154f5ec722");
  });
  it("bindMac", () => {
    expect(bindMac(secret, V.deviceId, V.credentialId)).toBe("sMS5KQRvYB4-LmhyBP9WfGouEsLWG-dLc1Y1OoAlvOQ");
  });
  it("body SHA-256, request signature and response MAC", () => {
    const bodySha256 = sha256Hex(V.body);
    expect(bodySha256).toBe("d3d2bab368af9532e8244e8046e1a8825d7a06ded028cb64cb8e935101b426f6");
    expect(
      requestSignature(secret, {
        method: "POST",
        pathAndQuery: "/api/v1/devices/me/measurements",
        ts: "1795392030",
        nonce: V.requestNonce,
        bodySha256,
      }),
    ).toBe("oKgMEv6o66qi7j6i3TNvc7aRmqOSKEqxLyLa_8dWIuA");
    expect(responseMac(secret, V.requestNonce, 200, '{"accepted":1,"duplicates":0}')).toBe(
      "AOwuf22lFrts9OChK0PeP_GGQHyQtck-s1REG4VOu74",
    );
  });
});

describe("sealing secrets at rest", () => {
  const key = randomBytes(32);
  it("opens with the same key and associated data, and nothing else", () => {
    const sealed = seal(key, Buffer.from("secret"), "crd_A");
    expect(sealed).not.toContain("secret");
    expect(open(key, sealed, "crd_A").toString()).toBe("secret");
    expect(() => open(key, sealed, "crd_B")).toThrow();
    expect(() => open(randomBytes(32), sealed, "crd_A")).toThrow();
    // Flip one bit of the ciphertext and one of the tag (editing base64url text can leave the
    // bytes unchanged, when only padding bits move).
    const header = sealed.slice(0, sealed.lastIndexOf(".") + 1);
    const raw = Buffer.from(sealed.slice(header.length), "base64url");
    for (const at of [12, raw.length - 1]) {
      const bytes = Buffer.from(raw);
      bytes[at] ^= 0x01;
      expect(() => open(key, `${header}${bytes.toString("base64url")}`, "crd_A")).toThrow();
    }
  });
  it("uses a fresh IV each time", () => {
    expect(seal(key, Buffer.from("x"), "a")).not.toBe(seal(key, Buffer.from("x"), "a"));
  });
});

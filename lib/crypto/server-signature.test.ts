import { describe, expect, it } from "vitest";
import { parseSigningKeys } from "./server-keys";
import {
  generateSigningKey,
  keyId,
  privateKeyObject,
  publicKeyOf,
  signAnswer,
  signatureInput,
  verifyAnswer,
} from "./server-signature";
import { sha256Hex } from "./tokens";

// docs/protocol.md "Test vectors", server signature (1.1), verbatim.
const V = {
  privateScalar: Buffer.from("ab1c2988c5a22c1709027e78157705d5455a085a4888a9d6b2a532197c2755ee", "hex"),
  publicKey: "BKVi773iuJpyhJA5liUzqAMPQIWv4wKPXi4D7Fp73IgKhjwVmO666F00Htkb-Giec8TzQ322iG-VZzg9N9SkTV8",
  kid: "5ff04105fc2e52e4",
  body: '{"sid":"MFRGGZDFMZTWQ2LKNNWG23TPOA","sessionToken":"c2Vzc2lvbi10b2tlbi0zMi1ieXRlcy1leGFtcGxlLTAx","claimUrl":"https://app.example.org/claim","serverTime":1795392000,"step":30,"expiresAt":"2026-11-23T00:15:00Z"}',
  bodySha256: "398e88bb8c34d30b68851d8d7c9441ff0e4909271430660eebcaddecd6797d2a",
  requestNonce: "ZGV2aWNlLXJlcS1ub25jZTE",
  ts: 1795392000,
  sig: "GNgNcclZOutP2qId_Bky_vlmgWwwpNjoAmbep4iFigxMc-bsm1pHhYXQOYCOBGSHJyius4z3Ch4uNGF72VOaFA",
};
const answer = {
  method: "POST",
  pathAndQuery: "/api/v1/provisioning/sessions",
  requestNonce: V.requestNonce,
  status: 201,
  ts: V.ts,
  body: V.body,
};

describe("server signature test vectors (server implementation)", () => {
  it("public key and kid of the test key", () => {
    const pub = publicKeyOf(V.privateScalar);
    expect(pub.toString("base64url")).toBe(V.publicKey);
    expect(pub).toHaveLength(65);
    expect(keyId(pub)).toBe(V.kid);
  });

  it("the answer body's SHA-256 and the signed string", () => {
    expect(sha256Hex(V.body)).toBe(V.bodySha256);
    expect(signatureInput(answer)).toBe(
      `claimlink/1 server-signature\nPOST\n/api/v1/provisioning/sessions\n${V.requestNonce}\n201\n${V.ts}\n${V.bodySha256}`,
    );
  });

  it("the published signature verifies; the same signature over status 200 does not", () => {
    const pub = Buffer.from(V.publicKey, "base64url");
    expect(verifyAnswer(pub, answer, V.sig)).toBe(true);
    expect(verifyAnswer(pub, { ...answer, status: 200 }, V.sig)).toBe(false);
  });

  it("any change to nonce, path, time or body breaks it; a fresh signature of ours verifies", () => {
    const pub = Buffer.from(V.publicKey, "base64url");
    for (const changed of [
      { requestNonce: "b3RoZXItbm9uY2UtMTZieXQ" },
      { pathAndQuery: "/api/v1/provisioning/sessions?x=1" },
      { ts: V.ts + 1 },
      { body: V.body.replace("app.example.org", "evil.example.org") },
      { method: "GET" },
    ]) {
      expect(verifyAnswer(pub, { ...answer, ...changed }, V.sig)).toBe(false);
    }
    const ours = signAnswer(privateKeyObject(V.privateScalar), answer);
    expect(Buffer.from(ours, "base64url")).toHaveLength(64);
    expect(verifyAnswer(pub, answer, ours)).toBe(true);
    expect(verifyAnswer(pub, answer, ours.slice(0, -2))).toBe(false);
    expect(verifyAnswer(generateSigningKey().publicKey, answer, ours)).toBe(false);
  });
});

describe("signing key configuration", () => {
  const priv = V.privateScalar.toString("base64url");
  const other = generateSigningKey();

  it("uses the locally generated key as current when none is configured", () => {
    const keys = parseSigningKeys(undefined, priv);
    expect(keys.map((k) => [k.kid, k.use])).toEqual([[V.kid, "current"]]);
  });

  it("publishes next and retired keys (public or private) beside exactly one private current key", () => {
    const keys = parseSigningKeys(`current=${priv}, next=${other.publicKey.toString("base64url")}`, null);
    expect(keys.map((k) => k.use)).toEqual(["current", "next"]);
    expect(keys[1].privateKey).toBeNull();
    expect(keys[1].kid).toBe(keyId(other.publicKey));
  });

  it("refuses a configuration without one private current key, a bad key, or a key listed twice", () => {
    const pub = other.publicKey.toString("base64url");
    expect(() => parseSigningKeys(`next=${priv}`, null)).toThrow(/exactly one key must be current/);
    expect(() => parseSigningKeys(`current=${pub}`, null)).toThrow(/current key must be a private key/);
    expect(() => parseSigningKeys(`current=${priv},current=${priv}`, null)).toThrow(/exactly one/);
    expect(() => parseSigningKeys(`current=${priv},retired=${priv}`, null)).toThrow(/listed twice/);
    expect(() => parseSigningKeys(`current=abc`, null)).toThrow(/32-byte private key or a 65-byte/);
    expect(() => parseSigningKeys(`primary=${priv}`, null)).toThrow(/use=key/);
  });
});

describe("claim URL (1.1)", () => {
  it("is always the public URL's origin + /claim, whatever path the public URL has", async () => {
    const { claimUrlOf } = await import("../provisioning/config");
    expect(claimUrlOf("https://app.example.org")).toBe("https://app.example.org/claim");
    expect(claimUrlOf("https://app.example.org/some/prefix/")).toBe("https://app.example.org/claim");
    expect(claimUrlOf("http://localhost:3000")).toBe("http://localhost:3000/claim");
  });
});

describe("key generation", () => {
  it("always makes a 32-byte scalar that the configuration accepts, whatever its leading bytes", () => {
    // One scalar in 256 starts with a zero byte; 2000 keys make missing that case unlikely.
    for (let i = 0; i < 2000; i++) {
      const { privateScalar, publicKey } = generateSigningKey();
      expect(privateScalar).toHaveLength(32);
      expect(publicKeyOf(privateScalar).equals(publicKey)).toBe(true);
    }
  });
});

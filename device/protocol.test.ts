import { describe, expect, it } from "vitest";
import {
  bindMacFor,
  deviceProofFor,
  deviceSecretFor,
  expectedResponseMac,
  hexSha256,
  matchChallenge,
  pop,
  signature,
  stepOf,
  pinKey,
  toBase32,
  verifyServerSignature,
} from "./protocol";

// docs/protocol.md "Test vectors", checked against the simulator's own implementation.
const seed = Buffer.from("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "hex");
const sid = "MFRGGZDFMZTWQ2LKNNWG23TPOA";
const claimId = "clm_01JZ8Q4T9W6V3X2Y1Z0A5B7C8D";
const nonce = "c2VydmVyLWNoYWxsZW5nZS1ub25jZS0zMi1ieXRlcyE";
const deviceNonce = "ZGV2aWNlLW5vbmNlLTE2Yg";
const T = stepOf(1795392000, 30);
const P = pop(seed, sid, T);
const secret = deviceSecretFor(P, sid, claimId, nonce, deviceNonce);
const body = '{"measurements":[{"property":"temperature","unit":"Cel","time":"2026-11-23T00:00:00Z","value":21.5}]}';

describe("protocol test vectors (device simulator)", () => {
  it("base32 of RFC 4648", () => expect(toBase32(Buffer.from("foobar"))).toBe("MZXW6YTBOI"));
  it("T, PoP(T), PoP(T-1)", () => {
    expect(T).toBe(59846400);
    expect(P).toBe("W53B7GLAZNR4AYB3JAGRCVVAME");
    expect(pop(seed, sid, T - 1)).toBe("C7HHHXE4SN6QV76XC7FAIWUD7Q");
  });
  it("accepts the serverProof for the current and the previous step only", () => {
    const proof = "-kHmFSaIpD76p1dYhhhK4YWj2Wl-E-8Dzu8NXceF2mg";
    expect(matchChallenge(seed, sid, T, claimId, nonce, proof)).toBe(P);
    expect(matchChallenge(seed, sid, T + 1, claimId, nonce, proof)).toBe(P); // made with what is now T-1
    expect(matchChallenge(seed, sid, T + 2, claimId, nonce, proof)).toBeNull(); // two steps old
  });
  it("deviceProof, deviceSecret, bindMac", () => {
    expect(deviceProofFor(P, sid, claimId, nonce, deviceNonce)).toBe("caUxHRtBQLISReeycb-Muh7SEUKru8Zg_1Tnh9bujCE");
    expect(secret.toString("hex")).toBe("7cf0fedbd8904be7412215e083c750fdc96ceb6b9ad26fbdad8d10154f5ec722");
    expect(bindMacFor(secret, "dev_7KQ2M9XR", "crd_4FJ8W2PZ")).toBe("sMS5KQRvYB4-LmhyBP9WfGouEsLWG-dLc1Y1OoAlvOQ");
  });
  it("request signature and response MAC", () => {
    expect(hexSha256(body)).toBe("d3d2bab368af9532e8244e8046e1a8825d7a06ded028cb64cb8e935101b426f6");
    expect(
      signature(secret, "POST", "/api/v1/devices/me/measurements", 1795392030, "cmVxdWVzdC1ub25jZS0xNmI", body),
    ).toBe("oKgMEv6o66qi7j6i3TNvc7aRmqOSKEqxLyLa_8dWIuA");
    expect(expectedResponseMac(secret, "cmVxdWVzdC1ub25jZS0xNmI", 200, '{"accepted":1,"duplicates":0}')).toBe(
      "AOwuf22lFrts9OChK0PeP_GGQHyQtck-s1REG4VOu74",
    );
  });
});

describe("server signature test vectors (device simulator, 1.1)", () => {
  const publicKey = "BKVi773iuJpyhJA5liUzqAMPQIWv4wKPXi4D7Fp73IgKhjwVmO666F00Htkb-Giec8TzQ322iG-VZzg9N9SkTV8";
  const answerBody =
    '{"sid":"MFRGGZDFMZTWQ2LKNNWG23TPOA","sessionToken":"c2Vzc2lvbi10b2tlbi0zMi1ieXRlcy1leGFtcGxlLTAx","claimUrl":"https://app.example.org/claim","serverTime":1795392000,"step":30,"expiresAt":"2026-11-23T00:15:00Z"}';
  const sig = "GNgNcclZOutP2qId_Bky_vlmgWwwpNjoAmbep4iFigxMc-bsm1pHhYXQOYCOBGSHJyius4z3Ch4uNGF72VOaFA";
  const header = `keyid="5ff04105fc2e52e4", ts="1795392000", sig="${sig}"`;
  const answer = {
    method: "POST",
    pathAndQuery: "/api/v1/provisioning/sessions",
    requestNonce: "ZGV2aWNlLXJlcS1ub25jZTE",
    status: 201,
    body: answerBody,
  };
  const pinned = [pinKey(publicKey)];

  it("kid of the test key, and the answer's SHA-256", () => {
    expect(pinned[0].kid).toBe("5ff04105fc2e52e4");
    expect(hexSha256(answerBody)).toBe("398e88bb8c34d30b68851d8d7c9441ff0e4909271430660eebcaddecd6797d2a");
  });
  it("the published signature verifies with the pinned key, and gives its time", () => {
    expect(verifyServerSignature(pinned, header, answer)).toEqual({ ok: true, ts: 1795392000 });
  });
  it("the same signature over status 200, another nonce, or an unpinned key does not", () => {
    expect(verifyServerSignature(pinned, header, { ...answer, status: 200 }).ok).toBe(false);
    expect(verifyServerSignature(pinned, header, { ...answer, requestNonce: "b3RoZXItbm9uY2UtMTZieXQ" }).ok).toBe(
      false,
    );
    expect(verifyServerSignature(pinned, header.replace("5ff04105fc2e52e4", "0000000000000000"), answer).ok).toBe(
      false,
    );
    expect(verifyServerSignature([], header, answer).ok).toBe(false);
    expect(verifyServerSignature(pinned, null, answer).ok).toBe(false);
    expect(verifyServerSignature(pinned, header.replace('ts="1795392000"', 'ts="1795392001"'), answer).ok).toBe(false);
  });
});

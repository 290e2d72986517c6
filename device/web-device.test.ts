import { describe, expect, it } from "vitest";
import {
  bindMac,
  deviceProof,
  deviceSecret,
  hex,
  pinWebKey,
  popAt,
  requestSig,
  responseMac,
  serverProof,
  sha256Hex,
  verifyWebSignature,
} from "./web-device";

// docs/protocol.md "Test vectors", checked against the emulator's WebCrypto implementation.
const seed = new Uint8Array(32).map((_, i) => i);
const sid = "MFRGGZDFMZTWQ2LKNNWG23TPOA";
const claimId = "clm_01JZ8Q4T9W6V3X2Y1Z0A5B7C8D";
const nonce = "c2VydmVyLWNoYWxsZW5nZS1ub25jZS0zMi1ieXRlcyE";
const deviceNonce = "ZGV2aWNlLW5vbmNlLTE2Yg";

describe("protocol test vectors (browser emulator, WebCrypto)", () => {
  it("every vector", async () => {
    const T = Math.floor(1795392000 / 30);
    const pop = await popAt(seed, sid, T);
    expect(pop).toBe("W53B7GLAZNR4AYB3JAGRCVVAME");
    expect(await popAt(seed, sid, T - 1)).toBe("C7HHHXE4SN6QV76XC7FAIWUD7Q");
    expect(await serverProof(pop, sid, claimId, nonce)).toBe("-kHmFSaIpD76p1dYhhhK4YWj2Wl-E-8Dzu8NXceF2mg");
    expect(await deviceProof(pop, sid, claimId, nonce, deviceNonce)).toBe(
      "caUxHRtBQLISReeycb-Muh7SEUKru8Zg_1Tnh9bujCE",
    );
    const secret = await deviceSecret(pop, sid, claimId, nonce, deviceNonce);
    expect(hex(secret)).toBe("7cf0fedbd8904be7412215e083c750fdc96ceb6b9ad26fbdad8d10154f5ec722");
    expect(await bindMac(secret, "dev_7KQ2M9XR", "crd_4FJ8W2PZ")).toBe("sMS5KQRvYB4-LmhyBP9WfGouEsLWG-dLc1Y1OoAlvOQ");
    const body =
      '{"measurements":[{"property":"temperature","unit":"Cel","time":"2026-11-23T00:00:00Z","value":21.5}]}';
    expect(await sha256Hex(body)).toBe("d3d2bab368af9532e8244e8046e1a8825d7a06ded028cb64cb8e935101b426f6");
    expect(
      await requestSig(secret, "POST", "/api/v1/devices/me/measurements", 1795392030, "cmVxdWVzdC1ub25jZS0xNmI", body),
    ).toBe("oKgMEv6o66qi7j6i3TNvc7aRmqOSKEqxLyLa_8dWIuA");
    expect(await responseMac(secret, "cmVxdWVzdC1ub25jZS0xNmI", 200, '{"accepted":1,"duplicates":0}')).toBe(
      "AOwuf22lFrts9OChK0PeP_GGQHyQtck-s1REG4VOu74",
    );
  });
});

describe("server signature vector (browser emulator, WebCrypto, 1.1)", () => {
  it("verifies the published signature; not over status 200 or for another nonce", async () => {
    const pin = await pinWebKey(
      "BKVi773iuJpyhJA5liUzqAMPQIWv4wKPXi4D7Fp73IgKhjwVmO666F00Htkb-Giec8TzQ322iG-VZzg9N9SkTV8",
    );
    expect(pin.kid).toBe("5ff04105fc2e52e4");
    const header =
      'keyid="5ff04105fc2e52e4", ts="1795392000", sig="GNgNcclZOutP2qId_Bky_vlmgWwwpNjoAmbep4iFigxMc-bsm1pHhYXQOYCOBGSHJyius4z3Ch4uNGF72VOaFA"';
    const answer = {
      method: "POST",
      pathAndQuery: "/api/v1/provisioning/sessions",
      requestNonce: "ZGV2aWNlLXJlcS1ub25jZTE",
      status: 201,
      body: '{"sid":"MFRGGZDFMZTWQ2LKNNWG23TPOA","sessionToken":"c2Vzc2lvbi10b2tlbi0zMi1ieXRlcy1leGFtcGxlLTAx","claimUrl":"https://app.example.org/claim","serverTime":1795392000,"step":30,"expiresAt":"2026-11-23T00:15:00Z"}',
    };
    expect(await verifyWebSignature([pin], header, answer)).toBe(1795392000);
    expect(await verifyWebSignature([pin], header, { ...answer, status: 200 })).toBeNull();
    expect(await verifyWebSignature([pin], header, { ...answer, requestNonce: "b3RoZXItbm9uY2UtMTZieXQ" })).toBeNull();
  });
});

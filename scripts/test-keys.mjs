import { createPrivateKey, sign } from "node:crypto";

// Fixed keys for the test suites and benchmarks ONLY (public in this repository: never deploy
// them). On PostgreSQL the app refuses to start without AUTH_SECRET, CLAIMLINK_SECRET_KEY and
// CLAIMLINK_SIGNING_KEYS (lib/env.ts), and every process of a run must share them.
/** The test firmware key of docs/protocol.md's vectors: its public point (b64url) and kid. */
export const TEST_FIRMWARE_PUBLIC_KEY =
  "BKKQIeQBp4PRfpJ60tORaCiePAcw1uQCinD__Yb97vhChF75bFlf1OLmgYntCMYfFTJPMikyOgEMQEonoWfPQts";
export const TEST_FIRMWARE_KID = "09e17ad8d663a41e";
/** Its private scalar (b64url, as `claimlink firmware sign` takes it): public here, so only tests sign with it. */
export const TEST_FIRMWARE_PRIVATE_KEY = Buffer.from(
  "5ccbdb17d6d3095a73ad840c062882021ebcc8bfaf3cccf3a5e7a23138aec80b",
  "hex",
).toString("base64url");

const point = Buffer.from(TEST_FIRMWARE_PUBLIC_KEY, "base64url");
/** The test firmware key as a private KeyObject. */
export const testFirmwareKey = createPrivateKey({
  format: "jwk",
  key: {
    kty: "EC",
    crv: "P-256",
    x: point.subarray(1, 33).toString("base64url"),
    y: point.subarray(33).toString("base64url"),
    d: TEST_FIRMWARE_PRIVATE_KEY,
  },
});

/**
 * A firmwareSig (docs/protocol.md section 7: ECDSA P-256 / SHA-256, r || s, b64url) over `text`,
 * by the test firmware key unless `key` is given: tests sign well-formed and broken texts alike.
 */
export function signFirmwareText(text, key = testFirmwareKey) {
  return sign("sha256", Buffer.from(text), { key, dsaEncoding: "ieee-p1363" }).toString("base64url");
}

export const TEST_KEYS = {
  AUTH_SECRET: "eZIcuTg+KrosFBQFsf1ECeVu9iki80LV6P23PYOgQIQ=",
  CLAIMLINK_SECRET_KEY: "aEq1PQa31x4B/ZhOfPl1eC9ocNDtO/nbA5I/34xm0ls=",
  CLAIMLINK_SIGNING_KEYS: "current=w2B9sAtMyhn2B8YNtF_NJ2WmwlRS3225KfIJgOxC7Qs",
  CLAIMLINK_FIRMWARE_KEYS: TEST_FIRMWARE_PUBLIC_KEY,
};

/** `env` with the test keys filled in where it has none (an explicit key wins). */
export function withTestKeys(env) {
  const out = { ...env };
  for (const [k, v] of Object.entries(TEST_KEYS)) if (!out[k]) out[k] = v;
  return out;
}

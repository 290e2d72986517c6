// Fixed keys for the test suites and benchmarks ONLY (public in this repository: never deploy
// them). On PostgreSQL the app refuses to start without AUTH_SECRET, CLAIMLINK_SECRET_KEY and
// CLAIMLINK_SIGNING_KEYS (lib/env.ts), and every process of a run must share them.
export const TEST_KEYS = {
  AUTH_SECRET: "eZIcuTg+KrosFBQFsf1ECeVu9iki80LV6P23PYOgQIQ=",
  CLAIMLINK_SECRET_KEY: "aEq1PQa31x4B/ZhOfPl1eC9ocNDtO/nbA5I/34xm0ls=",
  CLAIMLINK_SIGNING_KEYS: "current=w2B9sAtMyhn2B8YNtF_NJ2WmwlRS3225KfIJgOxC7Qs",
  // The test firmware key of docs/protocol.md's vectors (its private half is in lib/firmware/test-fixtures.ts).
  CLAIMLINK_FIRMWARE_KEYS: "BKKQIeQBp4PRfpJ60tORaCiePAcw1uQCinD__Yb97vhChF75bFlf1OLmgYntCMYfFTJPMikyOgEMQEonoWfPQts",
};

/** `env` with the test keys filled in where it has none (an explicit key wins). */
export function withTestKeys(env) {
  const out = { ...env };
  for (const [k, v] of Object.entries(TEST_KEYS)) if (!out[k]) out[k] = v;
  return out;
}

import { randomBytes } from "node:crypto";
import { keyringOf } from "../crypto/seal";
import { deviceProofFor, deviceSecretFor, pop, stepOf } from "../../device/protocol";
import { newUser } from "../accounts/schemas";
import { createUser } from "../accounts/users";
import { CLI_ACTOR, type Actor } from "../audit/record";
import { parseSigningKeys } from "../crypto/server-keys";
import { generateSigningKey } from "../crypto/server-signature";
import type { Database, Db } from "../db/client";
import { users } from "../db/schema";
import { uniqueEmail } from "../db/test-database";
import { withTestDatabase } from "../test-helpers";
import { newId } from "../ids";
import { answerChallenge } from "./answer-challenge";
import type { ProvisioningConfig } from "./config";
import { createClaim } from "./create-claim";
import { markPolled, pollSession } from "./poll-session";
import { startSession } from "./start-session";

// Fixtures for integration tests: accounts inserted directly, devices claimed through the real
// protocol use cases with the independent device implementation (device/protocol.ts).

export function testConfig(overrides: Partial<ProvisioningConfig> = {}): ProvisioningConfig {
  return {
    stepSeconds: 30,
    sessionTtlSeconds: 900,
    onlineWindowSeconds: 35,
    claimTimeoutSeconds: 30,
    maxPopFailures: 5,
    maxSessionPopFailures: 20,
    commandTtlSeconds: 86_400,
    skewSeconds: 300,
    nonceMemorySeconds: 660,
    claimsPerHour: 100_000,
    sessionStartsPerMinute: 100_000,
    devicesPerAccount: 25,
    measurementBatchesPerMinute: 60,
    secretKey: keyringOf([randomBytes(32)]),
    claimUrl: "https://claimlink.example.org/claim",
    signingKeys: parseSigningKeys(undefined, generateSigningKey().privateScalar.toString("base64url")),
    ...overrides,
  };
}

export type TestAccount = Actor & { id: string; email: string };

let n = 0;
/** An account row (no usable password: these tests never sign in). */
export async function insertAccount(db: Db, tag = "user", role: "participant" | "staff" = "participant") {
  const id = newId("usr");
  const email = `${tag}.${Date.now().toString(36)}${(n++).toString(36)}${randomBytes(3).toString("hex")}@example.org`;
  await db.insert(users).values({ id, email, name: `Test ${tag}`, role, passwordHash: "not-a-hash" });
  return { id, email, label: email, ip: "192.0.2.10" } satisfies TestAccount;
}

/** A device claimed by `owner` end to end; returns its ids and the secret the device derived. */
export async function claimTestDevice(
  database: Database,
  cfg: ProvisioningConfig,
  owner: TestAccount,
  model = "coreink-heat",
  study?: string,
) {
  const seed = randomBytes(32);
  const ip = `198.51.100.${n++ % 250}`;
  const s = await startSession(database.db, cfg, { model, firmware: "1.4.2" }, { ip });
  await markPolled(database.db, s.sid);
  const code = pop(seed, s.sid, stepOf(Math.floor(Date.now() / 1000), cfg.stepSeconds));
  const c = await createClaim(database.db, cfg, owner, { sid: s.sid, pop: code, ...(study ? { study } : {}) });
  const ch = await pollSession(database, cfg, s.sid, s.sessionToken, 0);
  if (ch.state !== "challenge") throw new Error(`no challenge: ${ch.state}`);
  const deviceNonce = randomBytes(16).toString("base64url");
  const r = await answerChallenge(
    database.db,
    cfg,
    { sid: s.sid, claimId: c.claimId, sessionToken: s.sessionToken },
    { accept: true, deviceNonce, deviceProof: deviceProofFor(code, s.sid, c.claimId, ch.nonce, deviceNonce) },
  );
  if (r.state !== "claimed") throw new Error(`not claimed: ${r.state}`);
  const secret = deviceSecretFor(code, s.sid, c.claimId, ch.nonce, deviceNonce);
  return { deviceId: r.deviceId, credentialId: r.credentialId, name: r.name, secret, sid: s.sid };
}

/**
 * The provisioning tests' participants and devices, on the database `database()` returns once
 * the tests run: a participant made as the CLI makes accounts, a device whose session is started
 * and counted online (with its current code), and a device claimed end to end.
 */
export function provisioningFixtures(database: () => Database, cfg: ProvisioningConfig) {
  let ipN = 0;
  const freshIp = () => `203.0.113.${ipN++}-${Date.now() % 1e6}`;

  async function participant() {
    const u = await createUser(
      database().db,
      CLI_ACTOR,
      newUser({ email: uniqueEmail("prov"), name: "Prov User", password: "correct horse battery" }),
    );
    return { ...u, label: u.email, ip: "192.0.2.50" };
  }

  async function device() {
    const seed = randomBytes(32);
    const s = await startSession(database().db, cfg, { model: "coreink-heat", firmware: "1.4.2" }, { ip: freshIp() });
    await markPolled(database().db, s.sid);
    const code = pop(seed, s.sid, stepOf(Math.floor(Date.now() / 1000), cfg.stepSeconds));
    return { ...s, seed, code };
  }

  async function claimAndAnswer(user: Awaited<ReturnType<typeof participant>>) {
    const d = await device();
    const c = await createClaim(database().db, cfg, user, { sid: d.sid, pop: d.code });
    const ch = await pollSession(database(), cfg, d.sid, d.sessionToken, 0);
    if (ch.state !== "challenge") throw new Error("no challenge");
    const deviceNonce = randomBytes(16).toString("base64url");
    const result = await answerChallenge(
      database().db,
      cfg,
      { sid: d.sid, claimId: c.claimId, sessionToken: d.sessionToken },
      { accept: true, deviceNonce, deviceProof: deviceProofFor(d.code, d.sid, c.claimId, ch.nonce, deviceNonce) },
    );
    return { d, claimId: c.claimId, result, deviceNonce };
  }

  return { freshIp, participant, device, claimAndAnswer };
}

/**
 * A test file's database and provisioning fixtures, with the limits of docs/protocol.md and
 * docs/configuration.md as shipped (so they are tested as shipped): the database opens before the file's tests
 * and closes after them; read `bed.database` inside a test.
 */
export function provisioningTestBed() {
  const cfg = testConfig({ claimsPerHour: 30, sessionStartsPerMinute: 30 });
  let database: Database;
  const bed = { cfg, ...provisioningFixtures(() => database, cfg) };
  withTestDatabase((d) => {
    database = d;
  });
  return Object.defineProperty(bed, "database", { get: () => database }) as typeof bed & {
    readonly database: Database;
  };
}

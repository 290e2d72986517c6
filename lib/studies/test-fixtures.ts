import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { authorizationHeader } from "../../device/protocol";
import type { Database, Db } from "../db/client";
import { withTestDatabase } from "../test-helpers";
import { loadCredential } from "../devices/credentials";
import { postMeasurements } from "../devices/device-api";
import { isRefusal, parseSignedAuthorization, verifyDeviceRequest } from "../devices/signed-request";
import { AppError } from "../errors/app-error";
import { claimTestDevice, insertAccount, testConfig, type TestAccount } from "../provisioning/test-fixtures";
import type { ProvisioningConfig } from "../provisioning/config";
import { consentToStudy } from "./consent";
import { reviseConsent } from "./consent-versions";
import { inviteToStudy } from "./enrol";
import { createStudySchema, type CreateStudyInput } from "./schemas";
import { changeStudyStatus, createStudy } from "./studies";

// Fixtures for the study tests: a database, staff, an open study, enrolled and consented
// participants, and devices claimed for a study through the real protocol use cases.

export const OPTS = { days: 7, publicUrl: "https://claimlink.example.org" };

export function studyInput(overrides: Partial<Record<keyof CreateStudyInput, unknown>> = {}): CreateStudyInput {
  return createStudySchema.parse({
    name: { en: "Home heating", nl: "Thuisverwarming" },
    description: { en: "How warm homes are kept in winter." },
    contactEmail: "study@example.org",
    startsOn: "2026-01-01",
    endsOn: "2027-12-31",
    models: [],
    dataPolicy: "erase",
    ...overrides,
  });
}

export function studyTestBed() {
  const cfg = testConfig();
  let database: Database;
  let staff: TestAccount;
  withTestDatabase(async (d) => {
    database = d;
    staff = await insertAccount(database.db, "staff", "staff");
  });

  /** A recruiting study with consent version 1. */
  async function openStudy(overrides: Partial<Record<keyof CreateStudyInput, unknown>> = {}) {
    const s = await createStudy(database.db, staff, cfg.secretKey, studyInput(overrides));
    const { version } = await reviseConsent(database.db, staff, s.id, {
      text: { en: "I agree to take part. Under the erase policy my data is deleted when I withdraw." },
      requiresReconsent: false,
    });
    await changeStudyStatus(database.db, staff, s.id, "recruiting");
    return { ...s, status: "recruiting" as const, consentVersionId: version.id };
  }

  /** A participant account enrolled in the study and (unless `consent: false`) consented to its current version. */
  async function participant(study: { id: string; consentVersionId: string }, opts: { consent?: boolean } = {}) {
    const p = await insertAccount(database.db, "participant");
    await inviteToStudy(
      database.db,
      staff,
      { email: p.email, name: "P", role: "participant", studyId: study.id },
      OPTS,
    );
    if (opts.consent !== false) await consentToStudy(database.db, p, study.id, study.consentVersionId);
    return p;
  }

  return {
    cfg,
    openStudy,
    participant,
    get database() {
      return database;
    },
    get db(): Db {
      return database.db;
    },
    get staff() {
      return staff;
    },
  };
}

export type Claimed = Awaited<ReturnType<typeof claimTestDevice>>;

/** A signed request from the device, verified as the route does: the verified device, or the refusal's code. */
export async function signedRequest(
  db: Db,
  cfg: ProvisioningConfig,
  d: Claimed,
  method = "GET",
  path = "/api/v1/devices/me",
  body = "",
) {
  const { header } = authorizationHeader(d.credentialId, d.secret, method, path, Math.floor(Date.now() / 1000), body);
  const loaded = await loadCredential(db, cfg.secretKey, d.credentialId);
  return verifyDeviceRequest(db, cfg, loaded, {
    method,
    pathAndQuery: path,
    auth: parseSignedAuthorization(header),
    body: new TextEncoder().encode(body),
  });
}

/**
 * The device posts a signed batch through the device API's handler: the handler's answer, or the
 * refusal's code (signature checks or the handler's own).
 */
export async function postSignedReadings(
  database: Database,
  cfg: ProvisioningConfig,
  d: Claimed,
  items: { property: string; unit?: string; time: string; value: number }[],
): Promise<{ status: number; body: unknown } | { code: string; retryAfterSeconds?: number }> {
  const path = "/api/v1/devices/me/measurements";
  const bodyText = JSON.stringify({ measurements: items });
  const verified = await signedRequest(database.db, cfg, d, "POST", path, bodyText);
  if (isRefusal(verified)) return { code: verified.error.code };
  try {
    return await postMeasurements({
      req: new Request(`http://localhost${path}`, { method: "POST" }),
      params: {},
      ip: null,
      database,
      cfg,
      device: verified,
      bodyText,
    });
  } catch (err) {
    if (err instanceof AppError) return { code: err.code, retryAfterSeconds: err.extra.retryAfterSeconds };
    throw err;
  }
}

/** `n` readings a minute apart from `start`, inserted directly (fast), for `deviceId`. */
export async function insertReadings(db: Db, deviceId: string, n: number, start = Date.UTC(2026, 5, 1)) {
  await db.execute(sql`
    insert into measurements (device_id, property, time, unit, value)
    select ${deviceId}, 'temperature', to_timestamp(${start / 1000} + g * 60), 'Cel', 20 + (g % 50) / 10.0
      from generate_series(0, ${n - 1}) as g`);
}

export { claimTestDevice, insertAccount, randomBytes };

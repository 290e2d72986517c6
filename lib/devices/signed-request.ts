import { eq, lt, sql, type SQL } from "drizzle-orm";
import type { WithSubquery } from "drizzle-orm/subquery";
import { requestSignature, sha256Hex } from "../crypto/protocol";
import type { SealKeys } from "../crypto/seal";
import { safeEqual } from "../crypto/tokens";
import { rowsOf, type Db } from "../db/client";
import { deviceCredentials, devices, requestNonces } from "../db/schema";
import { AppError } from "../errors/app-error";
import { logInternalError } from "../errors/problem";
import { pruneRateLimits } from "../rate-limit";
import type { ProvisioningConfig } from "../provisioning/config";
import { loadCredential, type LoadedCredential } from "./credentials";
import { isDeviceBusy, runReport, type ReportBatchItem } from "./report-batch";

export type SignedAuth = { credentialId: string; ts: string; nonce: string; sig: string };

const PARAM = /([a-z]+)="([^"]*)"/g;

/** Parses `Claimlink-HMAC credential="…", ts="…", nonce="…", sig="…"`; null when malformed. */
export function parseSignedAuthorization(header: string | null): SignedAuth | null {
  if (!header?.startsWith("Claimlink-HMAC ")) return null;
  const params = new Map<string, string>();
  for (const m of header.slice(15).matchAll(PARAM)) params.set(m[1], m[2]);
  const auth = {
    credentialId: params.get("credential") ?? "",
    ts: params.get("ts") ?? "",
    nonce: params.get("nonce") ?? "",
    sig: params.get("sig") ?? "",
  };
  if (!/^crd_[A-Za-z0-9]{1,64}$/.test(auth.credentialId)) return null;
  if (!/^(0|[1-9]\d{0,11})$/.test(auth.ts)) return null;
  if (!/^[A-Za-z0-9_-]{22,128}$/.test(auth.nonce)) return null; // at least 16 bytes
  if (!/^[A-Za-z0-9_-]{43}$/.test(auth.sig)) return null;
  return auth;
}

export type VerifiedDevice = LoadedCredential & { secret: Buffer; nonce: string };

/**
 * What a refusal may be answered with: the credential's secret when it is known (for the
 * response MAC), and what its audit event should add.
 */
export type Refusal = { error: AppError; secret: Buffer | null; nonce: string | null; audit?: Record<string, unknown> };

export type VerifyInput = {
  method: string;
  pathAndQuery: string;
  auth: SignedAuth | null;
  body: Uint8Array;
};

/**
 * Verifies a signed device request (section 3): known credential, signature (constant time),
 * unrevoked, timestamp within SKEW, nonce never seen for this credential. The nonce is
 * remembered only once the signature checks, so nobody can burn a device's nonces. A refusal
 * is returned (not thrown) with what the answer's MAC needs; the route audits it.
 */
export async function verifyDeviceRequest(
  db: Db,
  cfg: Pick<ProvisioningConfig, "skewSeconds" | "nonceMemorySeconds">,
  loaded: LoadedCredential | null,
  input: VerifyInput,
): Promise<VerifiedDevice | Refusal> {
  const { auth } = input;
  const refuse = (
    code: "bad_signature" | "stale_timestamp" | "replayed_nonce" | "credential_revoked" | "unknown_credential",
    detail: string,
    extra: AppError["extra"] = {},
  ): Refusal => ({
    error: new AppError(code, detail, extra),
    secret: loaded?.secret ?? null,
    nonce: auth?.nonce ?? null,
  });
  if (!auth) return refuse("bad_signature", "The Authorization header is not a valid Claimlink-HMAC header.");
  if (!loaded) return refuse("unknown_credential", "This credential is not known.");
  const secret = loaded.secret;
  // A secret no key opens (a lost or removed sealing key) can never verify: the device must
  // provision again, which is what a revoked credential tells it (docs/protocol.md section 3).
  if (!secret)
    return {
      ...refuse("credential_revoked", "This credential can no longer be used. Provision the device again."),
      audit: { unopenable: true },
    };

  const expected = requestSignature(secret, {
    method: input.method,
    pathAndQuery: input.pathAndQuery,
    ts: auth.ts,
    nonce: auth.nonce,
    bodySha256: sha256Hex(input.body),
  });
  if (!safeEqual(expected, auth.sig)) return refuse("bad_signature", "The signature does not match the request.");
  // Revocation is told only to a request its credential really signed: anyone else learns
  // nothing about a credential's state, and a credential_revoked answer always carries a MAC
  // made with the device's own secret (docs/protocol.md section 3).
  // A released device's credential is revoked with the release; a record released before that
  // rule (or by any other path) still never takes signed requests.
  if (loaded.credential.revokedAt || loaded.device.releasedAt)
    return refuse("credential_revoked", "This credential has been revoked. Provision the device again.");
  if (Math.abs(Date.now() / 1000 - Number(auth.ts)) > cfg.skewSeconds) {
    return refuse(
      "stale_timestamp",
      "The timestamp is too far from the server's time; set the clock from serverTime in this answer.",
      { serverTime: Math.floor(Date.now() / 1000) },
    );
  }
  if (!(await takeNonce(db, loaded, auth))) return refuse("replayed_nonce", "This nonce was already used.");
  maybePrune(db, cfg.nonceMemorySeconds);
  return { ...loaded, secret, nonce: auth.nonce };
}

/**
 * Remembers the request's nonce and, when it was new, marks the credential used and the device
 * seen: one statement, one round trip. "Last used" and "last seen" are written at most once a
 * second per device (a device sending a batch every few hundred milliseconds does not rewrite
 * its rows each time); online means seen within ONLINE_WINDOW, tens of seconds. False: replayed.
 */
async function takeNonce(db: Db, loaded: LoadedCredential, auth: SignedAuth): Promise<boolean> {
  const [row] = rowsOf<{ fresh: number | string }>(
    await db.execute(sql`
      with n as (
        insert into request_nonces (credential_id, nonce, request_ts)
        values (${loaded.credential.id}, ${auth.nonce}, to_timestamp(${Number(auth.ts)}))
        on conflict do nothing
        returning 1
      ), c as (
        update device_credentials set last_used_at = now()
         where id = ${loaded.credential.id} and exists (select 1 from n)
           and (last_used_at is null or last_used_at <= now() - interval '1 second')
      ), d as (
        update devices set last_seen_at = now()
         where id = ${loaded.device.id} and exists (select 1 from n)
           and (last_seen_at is null or last_seen_at <= now() - interval '1 second')
      )
      select count(*)::int as fresh from n`),
  );
  return Number(row.fresh) > 0;
}

/**
 * What this process keeps of a credential it has loaded: the two facts about it that never
 * change, its device and its opened secret (a credential id is minted with its secret, and
 * resealing keeps the secret). Everything that can change (revoked, released, the device's
 * owner, study and settings) is read again by every request, in the statement that takes its
 * nonce, so a revocation by any process holds at once.
 */
export type CachedSigner = { deviceId: string; secret: Buffer };
const signers = new Map<string, CachedSigner>();
/** Enough for a large fleet per process; past it the oldest entries go (they load again on their next request). */
const MAX_SIGNERS = 100_000;

export function cachedSigner(auth: SignedAuth | null): CachedSigner | undefined {
  return auth ? signers.get(auth.credentialId) : undefined;
}

/** Keeps a loaded credential whose secret opened, for its next requests. */
export function rememberSigner(loaded: LoadedCredential | null) {
  if (!loaded?.secret) return;
  if (signers.size >= MAX_SIGNERS) signers.delete(signers.keys().next().value!);
  signers.set(loaded.credential.id, { deviceId: loaded.device.id, secret: loaded.secret });
}

export function forgetSigner(credentialId: string) {
  signers.delete(credentialId);
}

/**
 * `verifyDeviceRequest` for a credential this process has seen, in one round trip: the
 * signature is checked with the kept secret, then one statement reads the credential and its
 * device as they are now and takes the nonce only when neither is revoked or released and the
 * timestamp is within SKEW. It answers exactly as `verifyDeviceRequest` would; null when the
 * signature does not match, for which the caller loads the credential again and asks
 * `verifyDeviceRequest` (a refusal's path, where a round trip more costs nothing).
 */
export async function verifyKnownSigner(
  db: Db,
  cfg: Pick<ProvisioningConfig, "skewSeconds" | "nonceMemorySeconds">,
  kept: CachedSigner,
  input: VerifyInput & { auth: SignedAuth },
  fused?: FusedPlan,
): Promise<(VerifiedDevice & { fused?: Record<string, unknown> }) | Refusal | null> {
  const { auth } = input;
  const expected = requestSignature(kept.secret, {
    method: input.method,
    pathAndQuery: input.pathAndQuery,
    ts: auth.ts,
    nonce: auth.nonce,
    bodySha256: sha256Hex(input.body),
  });
  if (!safeEqual(expected, auth.sig)) return null;
  const stale = Math.abs(Date.now() / 1000 - Number(auth.ts)) > cfg.skewSeconds;
  const values = {
    credentialId: auth.credentialId,
    deviceId: kept.deviceId,
    nonce: auth.nonce,
    ts: Number(auth.ts),
    take: !stale,
  };
  const alone = async () => (await verifyStatement(db, fused).execute({ ...values, ...fused?.values }))[0];
  // A report may share its statement with other devices' (lib/devices/report-batch.ts).
  let row: Awaited<ReturnType<typeof alone>> | undefined;
  try {
    row = fused?.batch ? await runReport(db, { ...values, report: fused.batch }, alone) : await alone();
  } catch (err) {
    // Too many of this device's requests at once: refused with its MAC (the signature checked), no statement run.
    if (isDeviceBusy(err)) return { error: err, secret: kept.secret, nonce: auth.nonce };
    throw err;
  }
  const refuse = (
    code: "stale_timestamp" | "replayed_nonce" | "credential_revoked",
    detail: string,
    extra: AppError["extra"] = {},
  ): Refusal => ({ error: new AppError(code, detail, extra), secret: kept.secret, nonce: auth.nonce });
  if (!row) {
    forgetSigner(auth.credentialId);
    return {
      error: new AppError("unknown_credential", "This credential is not known."),
      secret: null,
      nonce: auth.nonce,
    };
  }
  if (row.credential.revokedAt || row.device.releasedAt)
    return refuse("credential_revoked", "This credential has been revoked. Provision the device again.");
  if (stale)
    return refuse(
      "stale_timestamp",
      "The timestamp is too far from the server's time; set the clock from serverTime in this answer.",
      { serverTime: Math.floor(Date.now() / 1000) },
    );
  if (Number(row.fresh) === 0) return refuse("replayed_nonce", "This nonce was already used.");
  maybePrune(db, cfg.nonceMemorySeconds);
  const done = (row as { fused?: Record<string, unknown> }).fused;
  return { credential: row.credential, device: row.device, secret: kept.secret, nonce: auth.nonce, fused: done };
}

/**
 * A handler's own statement, fused into the one that takes the nonce: one round trip and one
 * commit for the whole request. `build` gives data-modifying WITHs that must act only when the
 * nonce was taken (`exists (select 1 from n)`) and the columns the handler reads back, with
 * `sql.placeholder`s for this request's `values`; it is built once per `key` and database.
 */
export type FusedPlan = {
  key: string;
  build(db: Db): { with: WithSubquery[]; columns: Record<string, SQL> };
  values: Record<string, unknown>;
  /** A report, which may share a statement with other devices' reports. */
  batch?: ReportBatchItem;
};

const p = (name: string) => sql.placeholder(name);
const statements = new WeakMap<Db, Map<string, ReturnType<typeof buildVerify>>>();

/**
 * The verifying statement (with a plan's part), prepared once per database and plan: a request
 * only fills in its values (building the query text each time was a tenth of a report's CPU).
 */
function verifyStatement(db: Db, fused?: FusedPlan) {
  const key = fused?.key ?? "";
  let byKey = statements.get(db);
  if (!byKey) statements.set(db, (byKey = new Map()));
  let q = byKey.get(key);
  if (!q) byKey.set(key, (q = buildVerify(db, key, fused)));
  return q;
}

function buildVerify(db: Db, key: string, fused?: FusedPlan) {
  // Only when the credential and its device are live and the time is within SKEW (`take`).
  const n = db.$with("n", { fresh: sql<number>`fresh` }).as(sql`
    insert into request_nonces (credential_id, nonce, request_ts)
    select c.id, ${p("nonce")}, to_timestamp(${p("ts")}::float8)
      from device_credentials c join devices d on d.id = c.device_id
     where c.id = ${p("credentialId")} and c.revoked_at is null and d.released_at is null and ${p("take")}::boolean
    on conflict do nothing
    returning 1 as fresh`);
  const used = db.$with("used", { id: sql<string>`id` }).as(sql`
    update device_credentials set last_used_at = now()
     where id = ${p("credentialId")} and exists (select 1 from n)
       and (last_used_at is null or last_used_at <= now() - interval '1 second')
    returning id`);
  const seen = db.$with("seen", { id: sql<string>`id` }).as(sql`
    update devices set last_seen_at = now()
     where id = ${p("deviceId")} and exists (select 1 from n)
       and (last_seen_at is null or last_seen_at <= now() - interval '1 second')
    returning id`);
  const part = fused?.build(db);
  // PostgreSQL runs every data-modifying WITH once, read or not.
  return db
    .with(n, used, seen, ...(part?.with ?? []))
    .select({
      credential: deviceCredentials,
      device: devices,
      fresh: sql<number | string>`(select count(*)::int from n)`,
      ...(part ? { fused: part.columns } : {}),
    })
    .from(deviceCredentials)
    .innerJoin(devices, eq(devices.id, deviceCredentials.deviceId))
    .where(eq(deviceCredentials.id, p("credentialId")))
    .prepare(`verify_signed${key ? `_${key}` : ""}`);
}

export function isRefusal(v: VerifiedDevice | Refusal): v is Refusal {
  return "error" in v;
}

export async function loadSigner(db: Db, key: SealKeys, auth: SignedAuth | null): Promise<LoadedCredential | null> {
  return auth ? loadCredential(db, key, auth.credentialId) : null;
}

let lastPrune = 0;
/** At most once a minute per process: forget nonces older than NONCE_MEMORY and old rate-limit windows. */
function maybePrune(db: Db, nonceMemorySeconds: number) {
  if (Date.now() - lastPrune < 60_000) return;
  lastPrune = Date.now();
  void pruneNonces(db, nonceMemorySeconds)
    .then(() => pruneRateLimits(db))
    .catch((err) => logInternalError("prune", err));
}

/**
 * Forgets nonces whose request's own timestamp is older than NONCE_MEMORY on this app's clock:
 * such a request, replayed, is refused as stale (NONCE_MEMORY is at least twice SKEW, lib/env.ts).
 */
export async function pruneNonces(db: Db, memorySeconds: number, now = Date.now()): Promise<number> {
  const gone = await db
    .delete(requestNonces)
    .where(lt(requestNonces.requestTs, new Date(now - memorySeconds * 1000)))
    .returning({ n: requestNonces.nonce });
  return gone.length;
}

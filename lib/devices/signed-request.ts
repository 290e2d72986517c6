import { eq, lt, sql } from "drizzle-orm";
import { recordRefusal } from "../audit/record";
import { requestSignature, sha256Hex } from "../crypto/protocol";
import { safeEqual } from "../crypto/tokens";
import type { Db } from "../db/client";
import { deviceCredentials, devices, requestNonces } from "../db/schema";
import { AppError } from "../http/errors";
import { pruneRateLimits } from "../rate-limit";
import type { ProvisioningConfig } from "../provisioning/config";
import { loadCredential, type LoadedCredential } from "./credentials";

export type SignedAuth = { credentialId: string; ts: string; nonce: string; sig: string };

const PARAM = /([a-z]+)="([^"]*)"/g;

/** Parses `Claimlink-HMAC credential="…", ts="…", nonce="…", sig="…"`; null when malformed. */
export function parseSignedAuthorization(header: string | null): SignedAuth | null {
  if (!header?.startsWith("Claimlink-HMAC ")) return null;
  const params = new Map<string, string>();
  for (const m of header.slice(15).matchAll(PARAM)) params.set(m[1], m[2]);
  const auth = { credentialId: params.get("credential") ?? "", ts: params.get("ts") ?? "", nonce: params.get("nonce") ?? "", sig: params.get("sig") ?? "" };
  if (!/^crd_[A-Za-z0-9]{1,64}$/.test(auth.credentialId)) return null;
  if (!/^(0|[1-9]\d{0,11})$/.test(auth.ts)) return null;
  if (!/^[A-Za-z0-9_-]{22,128}$/.test(auth.nonce)) return null; // at least 16 bytes
  if (!/^[A-Za-z0-9_-]{43}$/.test(auth.sig)) return null;
  return auth;
}

export type VerifiedDevice = LoadedCredential & { nonce: string };

/** What a refusal may be answered with: the credential's secret when it is known (for the response MAC). */
export type Refusal = { error: AppError; secret: Buffer | null; nonce: string | null };

export type VerifyInput = { method: string; pathAndQuery: string; auth: SignedAuth | null; body: Uint8Array; ip: string | null };

/**
 * Verifies a signed device request (section 3): known and unrevoked credential, signature
 * (constant time), timestamp within SKEW, nonce never seen for this credential. The nonce is
 * remembered only once the signature checks, so nobody can burn a device's nonces.
 */
export async function verifyDeviceRequest(
  db: Db,
  cfg: Pick<ProvisioningConfig, "secretKey" | "skewSeconds" | "nonceMemorySeconds">,
  loaded: LoadedCredential | null,
  input: VerifyInput,
): Promise<VerifiedDevice | Refusal> {
  const { auth } = input;
  const refuse = async (code: "bad_signature" | "stale_timestamp" | "replayed_nonce" | "credential_revoked" | "unknown_credential", detail: string): Promise<Refusal> => {
    await recordRefusal(db, { id: null, label: "device", ip: input.ip }, `signed:${loaded?.credential.id ?? input.ip}:${code}`, {
      action: "device.request_refused",
      subjectDeviceId: loaded?.device.id ?? null,
      detail: { code, credentialId: auth?.credentialId ?? null, method: input.method, path: input.pathAndQuery.split("?")[0] },
    });
    return { error: new AppError(code, detail), secret: loaded?.secret ?? null, nonce: auth?.nonce ?? null };
  };
  if (!auth) return refuse("bad_signature", "The Authorization header is not a valid Claimlink-HMAC header.");
  if (!loaded) return refuse("unknown_credential", "This credential is not known.");
  if (loaded.credential.revokedAt) return refuse("credential_revoked", "This credential has been revoked. Provision the device again.");

  const expected = requestSignature(loaded.secret, {
    method: input.method,
    pathAndQuery: input.pathAndQuery,
    ts: auth.ts,
    nonce: auth.nonce,
    bodySha256: sha256Hex(input.body),
  });
  if (!safeEqual(expected, auth.sig)) return refuse("bad_signature", "The signature does not match the request.");
  if (Math.abs(Date.now() / 1000 - Number(auth.ts)) > cfg.skewSeconds) {
    return refuse("stale_timestamp", "The timestamp is too far from the server's time; resynchronise from the Date header.");
  }
  const fresh = await db
    .insert(requestNonces)
    .values({ credentialId: loaded.credential.id, nonce: auth.nonce })
    .onConflictDoNothing()
    .returning({ nonce: requestNonces.nonce });
  if (fresh.length === 0) return refuse("replayed_nonce", "This nonce was already used.");

  await db.update(deviceCredentials).set({ lastUsedAt: sql`now()` }).where(eq(deviceCredentials.id, loaded.credential.id));
  await db.update(devices).set({ lastSeenAt: sql`now()` }).where(eq(devices.id, loaded.device.id));
  maybePrune(db, cfg.nonceMemorySeconds);
  return { ...loaded, nonce: auth.nonce };
}

export function isRefusal(v: VerifiedDevice | Refusal): v is Refusal {
  return "error" in v;
}

export async function loadSigner(db: Db, key: Uint8Array, auth: SignedAuth | null): Promise<LoadedCredential | null> {
  return auth ? loadCredential(db, key, auth.credentialId) : null;
}

let lastPrune = 0;
/** At most once a minute per process: forget nonces older than NONCE_MEMORY and old rate-limit windows. */
function maybePrune(db: Db, nonceMemorySeconds: number) {
  if (Date.now() - lastPrune < 60_000) return;
  lastPrune = Date.now();
  void pruneNonces(db, nonceMemorySeconds)
    .then(() => pruneRateLimits(db))
    .catch((err) => console.error("[prune]", err));
}

export async function pruneNonces(db: Db, memorySeconds: number): Promise<number> {
  const gone = await db
    .delete(requestNonces)
    .where(lt(requestNonces.seenAt, new Date(Date.now() - memorySeconds * 1000)))
    .returning({ n: requestNonces.nonce });
  return gone.length;
}

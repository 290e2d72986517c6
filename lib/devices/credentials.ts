import { and, desc, eq, inArray, isNull, ne } from "drizzle-orm";
import { recordAudit, type Actor } from "../audit/record";
import { newId } from "../ids";
import { open, seal, UnopenableSealError, type SealKeys } from "../crypto/seal";
import type { Db } from "../db/client";
import { deviceCredentials, devices, type Device, type DeviceCredential } from "../db/schema";

/**
 * A new credential for a device: its id, and the insert that stores it (not yet sent: it runs
 * when awaited), the secret sealed with the credential id as associated data.
 */
export function newCredential(tx: Db, key: SealKeys, deviceId: string, secret: Uint8Array) {
  const id = newId("crd");
  return { id, insert: tx.insert(deviceCredentials).values({ id, deviceId, secretSealed: seal(key, secret, id) }) };
}

/** Revokes every live credential of a device except `keepId`, auditing each; returns the revoked ids. */
export async function revokeDeviceCredentials(
  tx: Db,
  actor: Actor,
  deviceId: string,
  reason: string,
  keepId?: string,
): Promise<string[]> {
  const revoked = await tx
    .update(deviceCredentials)
    .set({ revokedAt: new Date(), revokedReason: reason })
    .where(
      and(
        eq(deviceCredentials.deviceId, deviceId),
        isNull(deviceCredentials.revokedAt),
        keepId ? ne(deviceCredentials.id, keepId) : undefined,
      ),
    )
    .returning({ id: deviceCredentials.id });
  for (const { id } of revoked) {
    await recordAudit(tx, actor, {
      action: "credential.revoked",
      outcome: "success",
      subjectDeviceId: deviceId,
      detail: { credentialId: id, reason },
    });
  }
  return revoked.map((r) => r.id);
}

/** A credential with its device and its secret, null when no key of the keyring opens it. */
export type LoadedCredential = { credential: DeviceCredential; device: Device; secret: Buffer | null };

/**
 * A credential with its device and opened secret, or null when the id is unknown. A secret
 * sealed under a key this server does not hold loads with `secret: null` (answered as revoked).
 */
export async function loadCredential(db: Db, key: SealKeys, credentialId: string): Promise<LoadedCredential | null> {
  const [row] = await db
    .select({ credential: deviceCredentials, device: devices })
    .from(deviceCredentials)
    .innerJoin(devices, eq(devices.id, deviceCredentials.deviceId))
    .where(eq(deviceCredentials.id, credentialId));
  if (!row) return null;
  try {
    return { ...row, secret: open(key, row.credential.secretSealed, row.credential.id) };
  } catch (err) {
    if (!(err instanceof UnopenableSealError)) throw err;
    warnUnopenable(err.keyId);
    return { ...row, secret: null };
  }
}

const warned = new Set<string | null>();
/** Once per process and key id: the operator must learn that a sealing key is missing. */
function warnUnopenable(keyId: string | null) {
  if (warned.has(keyId)) return;
  warned.add(keyId);
  console.error(
    `[keys] A device credential sealed under key ${keyId ?? "(v1)"} does not open with CLAIMLINK_SECRET_KEY: ` +
      "its device is told its credential is revoked and must provision again. Add the old key after the current one to keep it.",
  );
}

/** The ids, among `deviceIds`, of devices that hold a live (unrevoked) credential. */
export async function devicesWithLiveCredential(db: Db, deviceIds: string[]): Promise<Set<string>> {
  if (deviceIds.length === 0) return new Set();
  const rows = await db
    .select({ id: deviceCredentials.deviceId })
    .from(deviceCredentials)
    .where(and(inArray(deviceCredentials.deviceId, deviceIds), isNull(deviceCredentials.revokedAt)));
  return new Set(rows.map((r) => r.id));
}

/** A device's newest live credential (what the owner's page shows), or null when it has none. */
export async function liveCredential(db: Db, deviceId: string) {
  const [cred] = await db
    .select({
      id: deviceCredentials.id,
      createdAt: deviceCredentials.createdAt,
      lastUsedAt: deviceCredentials.lastUsedAt,
    })
    .from(deviceCredentials)
    .where(and(eq(deviceCredentials.deviceId, deviceId), isNull(deviceCredentials.revokedAt)))
    .orderBy(desc(deviceCredentials.createdAt))
    .limit(1);
  return cred ?? null;
}

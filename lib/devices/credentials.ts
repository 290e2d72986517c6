import { and, eq, isNull, ne } from "drizzle-orm";
import { recordAudit, type Actor } from "../audit/record";
import { newId } from "../crypto/tokens";
import { open, seal } from "../crypto/seal";
import type { Db } from "../db/client";
import { deviceCredentials, devices, type Device, type DeviceCredential } from "../db/schema";

/** Stores a new credential for a device; the secret is sealed with the credential id as associated data. */
export async function issueCredential(tx: Db, key: Uint8Array, deviceId: string, secret: Uint8Array): Promise<string> {
  const id = newId("crd");
  await tx.insert(deviceCredentials).values({ id, deviceId, secretSealed: seal(key, secret, id) });
  return id;
}

/** Revokes every live credential of a device except `keepId`, auditing each; returns the revoked ids. */
export async function revokeDeviceCredentials(tx: Db, actor: Actor, deviceId: string, reason: string, keepId?: string): Promise<string[]> {
  const revoked = await tx
    .update(deviceCredentials)
    .set({ revokedAt: new Date(), revokedReason: reason })
    .where(and(eq(deviceCredentials.deviceId, deviceId), isNull(deviceCredentials.revokedAt), keepId ? ne(deviceCredentials.id, keepId) : undefined))
    .returning({ id: deviceCredentials.id });
  for (const { id } of revoked) {
    await recordAudit(tx, actor, { action: "credential.revoked", outcome: "success", subjectDeviceId: deviceId, detail: { credentialId: id, reason } });
  }
  return revoked.map((r) => r.id);
}

export type LoadedCredential = { credential: DeviceCredential; device: Device; secret: Buffer };

/** A credential with its device and opened secret, or null when the id is unknown. */
export async function loadCredential(db: Db, key: Uint8Array, credentialId: string): Promise<LoadedCredential | null> {
  const [row] = await db
    .select({ credential: deviceCredentials, device: devices })
    .from(deviceCredentials)
    .innerJoin(devices, eq(devices.id, deviceCredentials.deviceId))
    .where(eq(deviceCredentials.id, credentialId));
  if (!row) return null;
  return { ...row, secret: open(key, row.credential.secretSealed, row.credential.id) };
}

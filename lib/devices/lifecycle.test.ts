import { describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { auditEvents, deviceCredentials, devices } from "../db/schema";
import { newId } from "../ids";
import { claimTestDevice, insertAccount, testConfig } from "../provisioning/test-fixtures";
import { loadCredential } from "./credentials";
import { findDevice, getOwnedDevice, releaseDevice, revokeDevice } from "./lifecycle";
import { verifyDeviceRequest } from "./signed-request";
import { authorizationHeader } from "../../device/protocol";
import { parseSignedAuthorization } from "./signed-request";
import { refusal, withTestDatabase } from "../test-helpers";

let database: Database;
const cfg = testConfig();
withTestDatabase((d) => {
  database = d;
});

/** A signed GET /api/v1/devices/me from the device, verified as the route would. */
async function signedRequest(credentialId: string, secret: Buffer) {
  const path = "/api/v1/devices/me";
  const { header } = authorizationHeader(credentialId, secret, "GET", path, Math.floor(Date.now() / 1000), "");
  const auth = parseSignedAuthorization(header);
  const loaded = await loadCredential(database.db, cfg.secretKey, credentialId);
  return verifyDeviceRequest(database.db, cfg, loaded, {
    method: "GET",
    pathAndQuery: path,
    auth,
    body: new Uint8Array(),
  });
}

describe("device lifecycle", () => {
  it("getOwnedDevice: the owner gets the device; another user's device is device_not_found", async () => {
    const owner = await insertAccount(database.db, "life");
    const other = await insertAccount(database.db, "life");
    const { deviceId } = await claimTestDevice(database, cfg, owner);
    expect((await getOwnedDevice(database.db, owner.id, deviceId)).ownerId).toBe(owner.id);
    expect(await refusal(getOwnedDevice(database.db, other.id, deviceId))).toBe("device_not_found");
    expect(await refusal(getOwnedDevice(database.db, owner.id, newId("dev")))).toBe("device_not_found");
    expect(await findDevice(database.db, newId("dev"))).toBeNull();
  });

  it("revoking makes every credential revoked at once: the device's next signed request is refused", async () => {
    const owner = await insertAccount(database.db, "life");
    const staff = await insertAccount(database.db, "staff", "staff");
    const { deviceId, credentialId, secret } = await claimTestDevice(database, cfg, owner);
    expect("error" in (await signedRequest(credentialId, secret))).toBe(false);

    expect(await revokeDevice(database.db, staff, deviceId)).toEqual([credentialId]);
    const [cred] = await database.db.select().from(deviceCredentials).where(eq(deviceCredentials.id, credentialId));
    expect(cred.revokedAt).toBeInstanceOf(Date);
    expect(cred.revokedReason).toBe("revoked");
    const after = await signedRequest(credentialId, secret);
    expect("error" in after && after.error.code).toBe("credential_revoked");

    const audited = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "credential.revoked"), eq(auditEvents.subjectDeviceId, deviceId)));
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ actorId: staff.id, detail: { credentialId, reason: "revoked" } });
    // Revoking again revokes nothing more; an unknown device is device_not_found.
    expect(await revokeDevice(database.db, staff, deviceId)).toEqual([]);
    expect(await refusal(revokeDevice(database.db, staff, newId("dev")))).toBe("device_not_found");
  });

  it("a released record takes no signed request, even with a credential left live by an older release", async () => {
    const owner = await insertAccount(database.db, "life");
    const { deviceId, credentialId, secret } = await claimTestDevice(database, cfg, owner);
    // Released the way releases were before they revoked: the credential stays live.
    await database.db.update(devices).set({ releasedAt: new Date() }).where(eq(devices.id, deviceId));
    const after = await signedRequest(credentialId, secret);
    expect("error" in after && after.error.code).toBe("credential_revoked");
  });

  it("only the owner releases a device; another user gets device_not_found and changes nothing", async () => {
    const owner = await insertAccount(database.db, "life");
    const other = await insertAccount(database.db, "life");
    const { deviceId } = await claimTestDevice(database, cfg, owner);

    expect(await refusal(releaseDevice(database.db, other, deviceId))).toBe("device_not_found");
    expect((await findDevice(database.db, deviceId))?.releasedAt).toBeNull();

    await releaseDevice(database.db, owner, deviceId);
    expect((await findDevice(database.db, deviceId))?.releasedAt).toBeInstanceOf(Date);
    // Released: no longer the owner's, and releasing again is not found.
    expect(await refusal(getOwnedDevice(database.db, owner.id, deviceId))).toBe("device_not_found");
    expect(await refusal(releaseDevice(database.db, owner, deviceId))).toBe("device_not_found");
    const released = await database.db
      .select()
      .from(auditEvents)
      .where(sql`${auditEvents.action} = 'device.released' and ${auditEvents.subjectDeviceId} = ${deviceId}`);
    expect(released).toHaveLength(1);
    expect(released[0].actorId).toBe(owner.id);
  });

  it("release keeps the device's record and history under the old owner", async () => {
    const owner = await insertAccount(database.db, "life");
    const { deviceId } = await claimTestDevice(database, cfg, owner);
    await releaseDevice(database.db, owner, deviceId);
    const [row] = await database.db.select().from(devices).where(eq(devices.id, deviceId));
    expect(row.ownerId).toBe(owner.id);
  });
});

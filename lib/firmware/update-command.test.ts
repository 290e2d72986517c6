import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { auditEvents, deviceCommands, deviceCredentials, devices, firmwareImages } from "../db/schema";
import { acknowledgeCommand, deviceProfile } from "../devices/commands";
import { claimTestDevice, insertAccount, testConfig, type TestAccount } from "../provisioning/test-fixtures";
import { sendFirmwareUpdate } from "./send-update";
import { ensureTestModel, TEST_FIRMWARE_KID, uniqueTestModel, uploadTestFirmware } from "./test-fixtures";
import { issueFirmwareUpdate, MAX_UPDATE_EXPIRY_SECONDS } from "./update-command";
import { firmwareImageUrl } from "./images";
import { refusal, withTestDatabase } from "../test-helpers";

// The update command of docs/protocol.md section 7: what issueFirmwareUpdate sends and refuses.

let database: Database;
let staff: TestAccount;
const cfg = testConfig();
const DAY = 86_400_000;
withTestDatabase(async (d) => {
  database = d;
  staff = await insertAccount(database.db, "staff", "staff");
});

async function deviceOf(model: string) {
  await ensureTestModel(database.db, model);
  const owner = await insertAccount(database.db, "fwu");
  const { deviceId } = await claimTestDevice(database, cfg, owner, model);
  return (await database.db.select().from(devices).where(eq(devices.id, deviceId)))[0];
}

const commandsOf = (deviceId: string) =>
  database.db.select().from(deviceCommands).where(eq(deviceCommands.deviceId, deviceId));
const issue = (deviceId: string, sha256: string, expiresAt = new Date(Date.now() + 7 * DAY)) =>
  database.db.transaction((tx) => issueFirmwareUpdate(tx, { deviceId, sha256, expiresAt, issuedBy: staff.id }));

describe("issueFirmwareUpdate (section 7)", () => {
  it("queues the command with section 7's params, listed to the device with the staff's expiry", async () => {
    const model = uniqueTestModel();
    const d = await deviceOf(model);
    const { image, sig } = await uploadTestFirmware(database.db, staff, { model, version: "1.5.0" });
    const expiresAt = new Date(Date.now() + 20 * DAY);
    const { commandId } = await database.db.transaction((tx) =>
      issueFirmwareUpdate(tx, { deviceId: d.id, sha256: image.sha256, expiresAt, issuedBy: staff.id, rolloutId: "rol_x" }),
    );
    const [listed] = (await deviceProfile(database.db, d)).commands;
    expect(listed).toMatchObject({ id: commandId, type: "update_firmware" });
    expect(listed.params).toEqual({
      model,
      version: "1.5.0",
      size: image.size,
      sha256: image.sha256,
      kid: TEST_FIRMWARE_KID,
      sig,
      url: firmwareImageUrl(image.sha256),
    });
    expect(Math.abs(Date.parse(listed.expiresAt) - expiresAt.getTime())).toBeLessThan(1000);
    const [row] = await commandsOf(d.id);
    expect(row).toMatchObject({ rolloutId: "rol_x", fromFirmware: "1.4.2", issuedBy: staff.id, status: "pending" });
  });

  it("never sends an image of another model, a yanked or unknown image; each refusal writes nothing", async () => {
    const model = uniqueTestModel();
    const d = await deviceOf(model);
    const other = await uploadTestFirmware(database.db, staff, { version: "2.0.0" }); // its own new model
    expect(await refusal(issue(d.id, other.image.sha256))).toBe("firmware_model_mismatch");
    const mine = await uploadTestFirmware(database.db, staff, { model, version: "1.6.0" });
    await database.db
      .update(firmwareImages)
      .set({ yankedAt: new Date() })
      .where(eq(firmwareImages.sha256, mine.image.sha256));
    expect(await refusal(issue(d.id, mine.image.sha256))).toBe("firmware_yanked");
    expect(await refusal(issue(d.id, "0".repeat(64)))).toBe("firmware_not_found");
    expect(await refusal(issue(d.id, "not-a-hash"))).toBe("firmware_not_found");
    expect(await commandsOf(d.id)).toEqual([]);
  });

  it("refuses an expiry in the past or beyond 30 days, an inactive device, and a second open update", async () => {
    const model = uniqueTestModel();
    const d = await deviceOf(model);
    const { image } = await uploadTestFirmware(database.db, staff, { model, version: "1.5.0" });
    expect(await refusal(issue(d.id, image.sha256, new Date(Date.now() + MAX_UPDATE_EXPIRY_SECONDS * 1000 + 60_000)))).toBe(
      "invalid_request",
    );
    expect(await refusal(issue(d.id, image.sha256, new Date(Date.now() - 1000)))).toBe("invalid_request");
    expect(await refusal(issue("dev_AAAAAAAAAAAAAAAA", image.sha256))).toBe("device_not_found");

    const { commandId } = await issue(d.id, image.sha256);
    expect(await refusal(issue(d.id, image.sha256))).toBe("firmware_update_open");
    await acknowledgeCommand(database.db, d, commandId, { status: "in_progress", detail: "1/2" });
    expect(await refusal(issue(d.id, image.sha256))).toBe("firmware_update_open");
    await acknowledgeCommand(database.db, d, commandId, { status: "failed", detail: "download_failed: gave up" });
    await issue(d.id, image.sha256); // the last one ended: a new one may go

    const released = await deviceOf(model);
    await database.db.update(devices).set({ releasedAt: new Date() }).where(eq(devices.id, released.id));
    expect(await refusal(issue(released.id, image.sha256))).toBe("device_not_active");
    const revoked = await deviceOf(model);
    await database.db
      .update(deviceCredentials)
      .set({ revokedAt: new Date(), revokedReason: "test" })
      .where(eq(deviceCredentials.deviceId, revoked.id));
    expect(await refusal(issue(revoked.id, image.sha256))).toBe("device_not_active");
    expect(await commandsOf(released.id)).toEqual([]);
    expect(await commandsOf(revoked.id)).toEqual([]);
  });

  it("a staff send is audited with the command; a refused one leaves neither command nor event", async () => {
    const model = uniqueTestModel();
    const d = await deviceOf(model);
    const { image } = await uploadTestFirmware(database.db, staff, { model, version: "1.5.0" });
    const sent = await sendFirmwareUpdate(database.db, staff, d.id, { sha256: image.sha256, expiresInDays: 30 });
    const events = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "firmware.update_sent"), eq(auditEvents.subjectDeviceId, d.id)));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: staff.id, detail: { commandId: sent.commandId, sha256: image.sha256 } });
    expect(await refusal(sendFirmwareUpdate(database.db, staff, d.id, { sha256: image.sha256, expiresInDays: 3 }))).toBe(
      "firmware_update_open",
    );
    expect(await commandsOf(d.id)).toHaveLength(1);
    const after = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "firmware.update_sent"), eq(auditEvents.subjectDeviceId, d.id)));
    expect(after).toHaveLength(1);
  });
});

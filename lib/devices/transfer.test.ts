import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { listAuditEvents } from "../audit/read";
import type { Database } from "../db/client";
import { devices, users } from "../db/schema";
import { AppError } from "../errors/app-error";
import { claimTestDevice, insertAccount, testConfig } from "../provisioning/test-fixtures";
import { queueCommand } from "./commands";
import { releaseDevice } from "./lifecycle";
import { staffDeviceDetail } from "./staff-view";
import { listShares, shareDevice } from "./shares";
import { canViewDevice } from "./access";
import { transferDevice, transferInputSchema } from "./transfer";
import { getDeviceDetail } from "./views";
import { withTestDatabase } from "../test-helpers";

let database: Database;
const cfg = testConfig();
withTestDatabase((d) => {
  database = d;
});

const code = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: AppError) => e.code,
  );

describe("transferDevice (staff)", () => {
  it("moves the device with its history to another account, renaming a clash, audited with the reason", async () => {
    const staff = await insertAccount(database.db, "staff", "staff");
    const from = await insertAccount(database.db, "from");
    const to = await insertAccount(database.db, "to");
    const d = await claimTestDevice(database, cfg, from);
    const theirs = await claimTestDevice(database, cfg, to);
    const [clash] = await database.db.select().from(devices).where(eq(devices.id, theirs.deviceId));
    await database.db.update(devices).set({ name: clash.name.toUpperCase() }).where(eq(devices.id, d.deviceId));
    await queueCommand(database.db, staff, d.deviceId, { type: "identify", params: {} }, 60);

    const input = transferInputSchema.parse({ email: to.email.toUpperCase(), reason: "Household moved" });
    const r = await transferDevice(database.db, staff, d.deviceId, input);
    expect(r).toMatchObject({
      id: d.deviceId,
      ownerId: to.id,
      ownerEmail: to.email,
      name: `${clash.name.toUpperCase()} (2)`,
    });
    expect(await code(getDeviceDetail(database.db, from.id, d.deviceId))).toBe("device_not_found");
    expect((await getDeviceDetail(database.db, to.id, d.deviceId)).status).toBe("online");
    const detail = await staffDeviceDetail(database.db, d.deviceId);
    expect(detail.owner.email).toBe(to.email);
    expect(detail.commands.map((c) => [c.type, c.status])).toEqual([["identify", "queued"]]);
    expect(detail.credentials).toHaveLength(1);
    const [event] = await listAuditEvents(database.db, { deviceId: d.deviceId, action: "device.transferred" });
    expect(event).toMatchObject({ actorId: staff.id, subjectUserId: to.id });
    expect(event.detail).toMatchObject({ fromUserId: from.id, fromEmail: from.email, reason: "Household moved" });
  });

  it("ends the former owner's shares: their viewers do not follow the device to its new owner", async () => {
    const staff = await insertAccount(database.db, "staff", "staff");
    const from = await insertAccount(database.db, "from");
    const viewer = await insertAccount(database.db, "viewer");
    const to = await insertAccount(database.db, "to");
    const d = await claimTestDevice(database, cfg, from);
    const { share } = await shareDevice(database.db, from, d.deviceId, viewer.email);
    expect(await canViewDevice(database.db, viewer.id, d.deviceId)).toBe("viewer");
    await transferDevice(
      database.db,
      staff,
      d.deviceId,
      transferInputSchema.parse({ email: to.email, reason: "Moved" }),
    );
    expect(await canViewDevice(database.db, viewer.id, d.deviceId)).toBeNull();
    expect(await listShares(database.db, d.deviceId)).toEqual([]);
    const [event] = await listAuditEvents(database.db, { deviceId: d.deviceId, action: "device.transferred" });
    expect(event.detail).toMatchObject({ sharesEnded: [share.id] });
  });

  it("refuses an unknown or disabled account, the current owner, a released device and a missing reason", async () => {
    const staff = await insertAccount(database.db, "staff", "staff");
    const from = await insertAccount(database.db, "from");
    const off = await insertAccount(database.db, "off");
    await database.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, off.id));
    const d = await claimTestDevice(database, cfg, from);
    const t = (email: string) => transferDevice(database.db, staff, d.deviceId, { email, reason: "why not" });
    expect(await code(t("nobody@example.org"))).toBe("not_found");
    expect(await code(t(off.email))).toBe("not_found");
    expect(await code(t(from.email))).toBe("conflict");
    expect(transferInputSchema.safeParse({ email: from.email, reason: " " }).success).toBe(false);
    expect(transferInputSchema.safeParse({ email: from.email, reason: "ok\u0000no" }).success).toBe(false);
    await releaseDevice(database.db, from, d.deviceId);
    const other = await insertAccount(database.db, "other");
    expect(await code(t(other.email))).toBe("device_not_found");
    expect(await listAuditEvents(database.db, { deviceId: d.deviceId, action: "device.transferred" })).toEqual([]);
  });
});

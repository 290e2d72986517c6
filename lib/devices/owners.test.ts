import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { deviceProofFor, pop, stepOf } from "../../device/protocol";
import type { Database } from "../db/client";
import { auditEvents, deviceCommands, deviceCredentials, devices } from "../db/schema";
import { newId } from "../ids";
import { answerChallenge } from "../provisioning/answer-challenge";
import { createClaim, previewClaim } from "../provisioning/create-claim";
import { markPolled, pollSession } from "../provisioning/poll-session";
import { startSession } from "../provisioning/start-session";
import { claimTestDevice, insertAccount, testConfig, type TestAccount } from "../provisioning/test-fixtures";
import { canViewDevice } from "./access";
import { reportDeviceLost, releaseDevice, getOwnedDevice } from "./lifecycle";
import { storeMeasurements } from "./measurements";
import { renameDevice } from "./naming";
import { noticePreferences, setNoticePreferences, takeSilentDevices } from "./notices";
import { OWNER_COMMANDS_PER_HOUR, sendOwnerCommand } from "./owner-commands";
import { endShare, listShares, shareDevice, sharedWithMe } from "./shares";
import { staffDeviceDetail } from "./staff-view";
import { getDeviceDetail, listMyDevices, measurementSeries } from "./views";
import { refusal, withTestDatabase } from "../test-helpers";

let database: Database;
const cfg = testConfig();
const limits = { minSeconds: 60, maxSeconds: 3600 };
withTestDatabase((d) => {
  database = d;
});

const audits = (deviceId: string, action: string) =>
  database.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.subjectDeviceId, deviceId), eq(auditEvents.action, action)));

const liveCredentials = (deviceId: string) =>
  database.db
    .select()
    .from(deviceCredentials)
    .where(and(eq(deviceCredentials.deviceId, deviceId)));

/** New hardware claimed by `owner` as the replacement of `replaces` (docs/protocol.md section 5). */
async function claimReplacement(owner: TestAccount, replaces: string) {
  const seed = randomBytes(32);
  const s = await startSession(database.db, cfg, { model: "coreink-heat", firmware: "2.0.0" }, { ip: null });
  await markPolled(database.db, s.sid);
  const code = pop(seed, s.sid, stepOf(Math.floor(Date.now() / 1000), cfg.stepSeconds));
  const c = await createClaim(database.db, cfg, owner, { sid: s.sid, pop: code, replaces });
  const ch = await pollSession(database, cfg, s.sid, s.sessionToken, 0);
  if (ch.state !== "challenge") throw new Error(`no challenge: ${ch.state}`);
  const deviceNonce = randomBytes(16).toString("base64url");
  return answerChallenge(
    database.db,
    cfg,
    { sid: s.sid, claimId: c.claimId, sessionToken: s.sessionToken },
    { accept: true, deviceNonce, deviceProof: deviceProofFor(code, s.sid, c.claimId, ch.nonce, deviceNonce) },
  );
}

describe("lost or stolen", () => {
  it("revokes every credential at once, keeps the record and name with the owner, and is audited", async () => {
    const owner = await insertAccount(database.db, "lost");
    const other = await insertAccount(database.db, "lost");
    const { deviceId, name } = await claimTestDevice(database, cfg, owner);

    expect(await refusal(reportDeviceLost(database.db, other, deviceId))).toBe("device_not_found");
    expect((await getOwnedDevice(database.db, owner.id, deviceId)).lostAt).toBeNull();

    const lost = await reportDeviceLost(database.db, owner, deviceId);
    expect(lost.lostAt).toBeInstanceOf(Date);
    expect((await liveCredentials(deviceId)).every((c) => c.revokedReason === "lost_or_stolen")).toBe(true);
    expect(await audits(deviceId, "device.reported_lost")).toHaveLength(1);
    // Twice changes nothing more.
    await reportDeviceLost(database.db, owner, deviceId);
    expect(await audits(deviceId, "device.reported_lost")).toHaveLength(1);

    const mine = await listMyDevices(database.db, owner.id);
    expect(mine.owned.map((d) => [d.id, d.name, d.status])).toEqual([[deviceId, name, "lost"]]);
    // A lost device takes no commands (it has no credential to fetch them with).
    expect(await refusal(sendOwnerCommand(database.db, owner, deviceId, { type: "identify" }, limits, 60))).toBe(
      "conflict",
    );
  });

  it("a replacement continues the same record on new hardware and ends the lost report", async () => {
    const owner = await insertAccount(database.db, "lost");
    const { deviceId, name } = await claimTestDevice(database, cfg, owner);
    await renameDevice(database.db, owner, deviceId, { name: `Kitchen ${randomBytes(2).toString("hex")}` });
    await storeMeasurements(database.db, deviceId, [
      { property: "temperature", unit: "Cel", time: Date.now() / 1000 - 60, value: 20 },
    ]);
    await reportDeviceLost(database.db, owner, deviceId);
    const r = await claimReplacement(owner, deviceId);
    expect(r).toMatchObject({ state: "claimed", deviceId });
    const d = await getDeviceDetail(database.db, owner.id, deviceId);
    expect(d.lostAt).toBeNull();
    expect(d.name).not.toBe(name);
    expect(d.latest.map((l) => l.value)).toEqual([20]);
    expect(d.credential).not.toBeNull();
  });
});

describe("release", () => {
  it("revokes the credentials, ends the shares, and leaves the former owner the history up to the release, read-only", async () => {
    const owner = await insertAccount(database.db, "rel");
    const viewer = await insertAccount(database.db, "rel");
    const { deviceId } = await claimTestDevice(database, cfg, owner);
    await shareDevice(database.db, owner, deviceId, viewer.email);
    await storeMeasurements(database.db, deviceId, [
      { property: "temperature", unit: "Cel", time: Date.now() / 1000 - 120, value: 18 },
    ]);

    await releaseDevice(database.db, owner, deviceId);
    const creds = await liveCredentials(deviceId);
    expect(creds.length).toBeGreaterThan(0);
    expect(creds.every((c) => c.revokedAt && c.revokedReason === "released")).toBe(true);
    expect(await listShares(database.db, deviceId)).toEqual([]);
    expect(await canViewDevice(database.db, viewer.id, deviceId)).toBeNull();
    expect(await sharedWithMe(database.db, viewer.id)).toEqual([]);

    // The former owner reads, but cannot change anything.
    expect(await canViewDevice(database.db, owner.id, deviceId)).toBe("owner");
    const detail = await getDeviceDetail(database.db, owner.id, deviceId);
    expect(detail.releasedAt).toBeInstanceOf(Date);
    expect(detail.status).toBe("released");
    const series = await measurementSeries(database.db, owner.id, deviceId, "24h");
    expect(series.map((s) => s.points.map((p) => p[1]))).toEqual([[18]]);
    // A reading dated after the release (a board that was never told) is not shown as this owner's.
    await storeMeasurements(database.db, deviceId, [
      { property: "temperature", unit: "Cel", time: Date.now() / 1000 + 5, value: 99 },
    ]);
    expect(
      (await measurementSeries(database.db, owner.id, deviceId, "24h", Date.now() + 60_000))[0].points.map((p) => p[1]),
    ).toEqual([18]);
    expect((await getDeviceDetail(database.db, owner.id, deviceId)).latest.map((l) => l.value)).not.toContain(99);
    // One at a time: each refusal is awaited as it happens (no promise left to reject unobserved).
    for (const change of [
      () => renameDevice(database.db, owner, deviceId, { name: "Mine again" }),
      () => shareDevice(database.db, owner, deviceId, viewer.email),
      () => reportDeviceLost(database.db, owner, deviceId),
      () => sendOwnerCommand(database.db, owner, deviceId, { type: "identify" }, limits, 60),
    ])
      expect(await refusal(change())).toBe("device_not_found");
    const mine = await listMyDevices(database.db, owner.id);
    expect(mine.owned).toEqual([]);
    expect(mine.released.map((d) => d.id)).toEqual([deviceId]);
    const [audit] = await audits(deviceId, "device.released");
    expect(audit.detail).toMatchObject({ revokedCredentials: creds.map((c) => c.id) });
  });

  it("the next owner of the board starts a fresh record; the former owner's record stays theirs", async () => {
    const owner = await insertAccount(database.db, "rel");
    const next = await insertAccount(database.db, "rel");
    const { deviceId } = await claimTestDevice(database, cfg, owner);
    await storeMeasurements(database.db, deviceId, [
      { property: "humidity", unit: "%", time: Date.now() / 1000 - 30, value: 40 },
    ]);
    await releaseDevice(database.db, owner, deviceId);
    // The board's credential is revoked, so it provisions afresh (an unsigned session).
    const fresh = await claimTestDevice(database, cfg, next);
    expect(fresh.deviceId).not.toBe(deviceId);
    expect(await canViewDevice(database.db, next.id, deviceId)).toBeNull();
    expect(await canViewDevice(database.db, owner.id, fresh.deviceId)).toBeNull();
    expect((await getDeviceDetail(database.db, next.id, fresh.deviceId)).latest).toEqual([]);
    expect((await getDeviceDetail(database.db, owner.id, deviceId)).latest.map((l) => l.value)).toEqual([40]);
  });
});

describe("households", () => {
  it("an owner shares by email; the viewer reads values and history and changes nothing; the owner ends it", async () => {
    const owner = await insertAccount(database.db, "hh");
    const viewer = await insertAccount(database.db, "hh");
    const stranger = await insertAccount(database.db, "hh");
    const { deviceId } = await claimTestDevice(database, cfg, owner);
    await storeMeasurements(database.db, deviceId, [
      { property: "temperature", unit: "Cel", time: Date.now() / 1000 - 60, value: 21 },
    ]);

    expect(await refusal(shareDevice(database.db, owner, deviceId, "nobody.here@example.org"))).toBe("not_found");
    expect(await refusal(shareDevice(database.db, owner, deviceId, owner.email))).toBe("invalid_request");
    expect(await refusal(shareDevice(database.db, stranger, deviceId, viewer.email))).toBe("device_not_found");
    const { share } = await shareDevice(database.db, owner, deviceId, viewer.email.toUpperCase());
    expect(await refusal(shareDevice(database.db, owner, deviceId, viewer.email))).toBe("conflict");
    expect((await listShares(database.db, deviceId)).map((s) => s.email)).toEqual([viewer.email]);
    expect(await audits(deviceId, "device.shared")).toHaveLength(1);

    expect(await canViewDevice(database.db, viewer.id, deviceId)).toBe("viewer");
    expect(await canViewDevice(database.db, stranger.id, deviceId)).toBeNull();
    expect(await canViewDevice(database.db, viewer.id, newId("dev"))).toBeNull();
    const seen = await getDeviceDetail(database.db, viewer.id, deviceId);
    expect(seen).toMatchObject({ role: "viewer", credential: null });
    expect(seen.latest.map((l) => l.value)).toEqual([21]);
    expect((await measurementSeries(database.db, viewer.id, deviceId, "24h")).length).toBe(1);
    expect((await listMyDevices(database.db, viewer.id)).shared.map((d) => d.id)).toEqual([deviceId]);
    expect((await staffDeviceDetail(database.db, deviceId)).viewers.map((v) => v.email)).toEqual([viewer.email]);
    for (const change of [
      () => renameDevice(database.db, viewer, deviceId, { name: "Viewer's now" }),
      () => releaseDevice(database.db, viewer, deviceId),
      () => reportDeviceLost(database.db, viewer, deviceId),
      () => shareDevice(database.db, viewer, deviceId, stranger.email),
      () => endShare(database.db, viewer, deviceId, share.id),
      () => sendOwnerCommand(database.db, viewer, deviceId, { type: "identify" }, limits, 60),
    ])
      expect(await refusal(change())).toBe("device_not_found");
    expect(await refusal(getDeviceDetail(database.db, stranger.id, deviceId))).toBe("device_not_found");

    await endShare(database.db, owner, deviceId, share.id);
    expect(await refusal(endShare(database.db, owner, deviceId, share.id))).toBe("not_found");
    expect(await canViewDevice(database.db, viewer.id, deviceId)).toBeNull();
    expect((await staffDeviceDetail(database.db, deviceId)).viewers).toEqual([]);
    expect(await refusal(measurementSeries(database.db, viewer.id, deviceId, "24h"))).toBe("device_not_found");
    expect(await audits(deviceId, "device.share_ended")).toHaveLength(1);
    // Shared again after it ended: a new share, not a conflict with the ended one.
    await shareDevice(database.db, owner, deviceId, viewer.email);
    expect(await canViewDevice(database.db, viewer.id, deviceId)).toBe("viewer");
  });
});

describe("owner commands", () => {
  it("identify and an interval within the staff's limits go through the command path; outside them nothing changes", async () => {
    const owner = await insertAccount(database.db, "cmd");
    const { deviceId } = await claimTestDevice(database, cfg, owner);
    const id = await sendOwnerCommand(database.db, owner, deviceId, { type: "identify" }, limits, 60);
    expect(id).toMatchObject({ type: "identify", status: "pending", issuedBy: owner.id });
    for (const s of [59, 3601])
      expect(
        await refusal(
          sendOwnerCommand(
            database.db,
            owner,
            deviceId,
            { type: "set_interval", measurementIntervalSeconds: s },
            limits,
            60,
          ),
        ),
      ).toBe("invalid_request");
    expect((await getOwnedDevice(database.db, owner.id, deviceId)).measurementIntervalSeconds).toBe(60);
    const set = await sendOwnerCommand(
      database.db,
      owner,
      deviceId,
      { type: "set_interval", measurementIntervalSeconds: 300 },
      limits,
      60,
    );
    expect(set).toMatchObject({ type: "set_config", params: { measurementIntervalSeconds: 300 } });
    expect((await getOwnedDevice(database.db, owner.id, deviceId)).measurementIntervalSeconds).toBe(300);
    const queued = await database.db.select().from(deviceCommands).where(eq(deviceCommands.deviceId, deviceId));
    expect(queued.map((c) => c.type).sort()).toEqual(["identify", "set_config"]);
    expect(await audits(deviceId, "command.issued")).toHaveLength(2);
  });
});

describe("owner command limit", () => {
  it("an owner sending more than the hourly limit is refused with a time to retry, and nothing is queued", async () => {
    const owner = await insertAccount(database.db, "flood");
    const { deviceId } = await claimTestDevice(database, cfg, owner);
    for (let i = 0; i < OWNER_COMMANDS_PER_HOUR; i++)
      await sendOwnerCommand(database.db, owner, deviceId, { type: "identify" }, limits, 60);
    const r = await sendOwnerCommand(database.db, owner, deviceId, { type: "identify" }, limits, 60).catch(
      (e: { code: string; extra: { retryAfterSeconds?: number } }) => e,
    );
    expect(r).toMatchObject({ code: "rate_limited" });
    expect((r as { extra: { retryAfterSeconds: number } }).extra.retryAfterSeconds).toBeGreaterThan(0);
    const queued = await database.db.select().from(deviceCommands).where(eq(deviceCommands.deviceId, deviceId));
    expect(queued).toHaveLength(OWNER_COMMANDS_PER_HOUR);
  });
});

describe("notices", () => {
  it("a silent device is taken once per outage; heard from again, a new outage is taken again", async () => {
    const owner = await insertAccount(database.db, "quiet");
    const { deviceId } = await claimTestDevice(database, cfg, owner);
    const lost = await claimTestDevice(database, cfg, owner);
    await reportDeviceLost(database.db, owner, lost.deviceId);
    const now = Date.now();
    const dayAgo = new Date(now - 25 * 3600_000);
    await database.db.update(devices).set({ lastSeenAt: dayAgo }).where(eq(devices.id, deviceId));
    await database.db.update(devices).set({ lastSeenAt: dayAgo }).where(eq(devices.id, lost.deviceId));

    expect(await takeSilentDevices(database.db, 24, now)).toContain(deviceId);
    const again = await takeSilentDevices(database.db, 24, now + 3600_000);
    expect(again).not.toContain(deviceId);
    expect(again).not.toContain(lost.deviceId); // lost: its owner knows
    // Heard from, then silent again: a new outage.
    await database.db
      .update(devices)
      .set({ lastSeenAt: new Date(now - 1000) })
      .where(eq(devices.id, deviceId));
    expect(await takeSilentDevices(database.db, 24, now)).not.toContain(deviceId);
    expect(await takeSilentDevices(database.db, 24, now + 25 * 3600_000)).toContain(deviceId);
  });

  it("each kind can be switched off; the change is audited", async () => {
    const user = await insertAccount(database.db, "prefs");
    expect(Object.values(await noticePreferences(database.db, user.id)).every(Boolean)).toBe(true);
    const after = await setNoticePreferences(database.db, user, ["device_silent", "wrong_code", "device_silent"]);
    expect(after).toEqual({ device_claimed: true, wrong_code: false, device_silent: false, staff_revoked: true });
    const [a] = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectUserId, user.id), eq(auditEvents.action, "account.notices_changed")));
    expect(a.detail).toEqual({ off: ["device_silent", "wrong_code"] });
  });
});

describe("claim preview", () => {
  it("shows the model and firmware the device reported; an unknown session is session_not_found", async () => {
    const s = await startSession(database.db, cfg, { model: "coreink-heat", firmware: "3.1.0" }, { ip: null });
    expect(await previewClaim(database.db, cfg, s.sid)).toEqual({ model: "coreink-heat", firmware: "3.1.0" });
    expect(await refusal(previewClaim(database.db, cfg, "A".repeat(26)))).toBe("session_not_found");
  });
});

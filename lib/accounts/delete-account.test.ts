import { and, eq, isNull, ne, or, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rowsOf } from "../db/client";
import {
  auditEvents,
  authSessions,
  devices,
  enrolments,
  legacyNodes,
  legacyRetiredHardwareIds,
  measurements,
  users,
} from "../db/schema";
import { issueNodeCredential } from "../legacy/credentials";
import { ingestLegacy } from "../legacy/ingest";
import { registerLegacyNode } from "../legacy/nodes";
import { shareDevice } from "../devices/shares";
import { isRefusal } from "../devices/signed-request";
import { resumeErasures } from "../studies/erasure";
import { claimTestDevice, insertAccount, insertReadings, signedRequest, studyTestBed } from "../studies/test-fixtures";
import { visibleDevices } from "../studies/visible";
import { DELETED_LABEL, deleteAccount } from "./delete-account";

const bed = studyTestBed();

describe("deleting an account", () => {
  it("leaves each study under its policy, erases the rest, ends sessions and keeps only a pseudonymous actor in the audit log", async () => {
    const erase = await bed.openStudy({ dataPolicy: "erase" });
    const retain = await bed.openStudy({ dataPolicy: "retain" });
    const p = await bed.participant(erase);
    const { inviteToStudy } = await import("../studies/enrol");
    const { consentToStudy } = await import("../studies/consent");
    await inviteToStudy(
      bed.db,
      bed.staff,
      { email: p.email, name: "P", role: "participant", studyId: retain.id },
      {
        days: 7,
        publicUrl: "https://x.example",
      },
    );
    await consentToStudy(bed.db, { ...p, ip: "198.51.100.99" }, retain.id, retain.consentVersionId);
    const inErase = await claimTestDevice(bed.database, bed.cfg, p, "coreink-heat", erase.id);
    const inRetain = await claimTestDevice(bed.database, bed.cfg, p, "coreink-heat", retain.id);
    for (const d of [inErase, inRetain]) await insertReadings(bed.db, d.deviceId, 50);
    // A device someone shared with them.
    const owner = await insertAccount(bed.db, "owner");
    const theirs = await claimTestDevice(bed.database, bed.cfg, owner);
    await shareDevice(bed.db, owner, theirs.deviceId, p.email);
    await bed.db.insert(authSessions).values({
      id: `ses_${"A".repeat(16)}${Date.now() % 1000}`.slice(0, 20),
      tokenHash: `h${Date.now()}${Math.random()}`,
      userId: p.id,
      ip: "198.51.100.99",
      expiresAt: new Date(Date.now() + 86_400_000),
    });

    const staffNoReason = await deleteAccount(bed.db, bed.staff, p.id).catch((e) => e);
    expect(staffNoReason.code).toBe("invalid_request");

    const r = await deleteAccount(bed.db, { id: p.id, label: p.email, ip: "198.51.100.99" }, p.id);
    expect(r).toMatchObject({ studiesLeft: 2, erasureIds: [expect.stringMatching(/^ers_/)] });
    await resumeErasures(bed.db);

    // The account row keeps no email or name; sessions are gone.
    const [row] = await bed.db.select().from(users).where(eq(users.id, p.id));
    expect(row).toMatchObject({ name: DELETED_LABEL, deletedAt: expect.any(Date), disabledAt: expect.any(Date) });
    expect(row.email).not.toContain("@");
    expect(await bed.db.select().from(authSessions).where(eq(authSessions.userId, p.id))).toEqual([]);
    // Both devices refuse; the erase study's is gone with its readings, the retain study's stays, pseudonymous.
    for (const d of [inErase, inRetain]) {
      const v = await signedRequest(bed.db, bed.cfg, d);
      expect(isRefusal(v) ? v.error.code : "accepted").toMatch(/credential_revoked|unknown_credential/);
    }
    expect(await bed.db.select().from(devices).where(eq(devices.id, inErase.deviceId))).toEqual([]);
    expect((await visibleDevices(bed.db, retain.id)).map((d) => d.id)).toEqual([inRetain.deviceId]);
    const [{ n }] = rowsOf<{ n: string | number }>(
      await bed.db.execute(sql`select count(*) as n from measurements where device_id = ${inRetain.deviceId}`),
    );
    expect(Number(n)).toBe(50);
    const shared = await bed.db.execute(
      sql`select ended_reason from device_shares where user_id = ${p.id} and device_id = ${theirs.deviceId}`,
    );
    expect(rowsOf<{ ended_reason: string }>(shared).map((s) => s.ended_reason)).toEqual(["account_deleted"]);
    const states = await bed.db.select().from(enrolments).where(eq(enrolments.userId, p.id));
    expect(states.every((e) => e.withdrawnAt)).toBe(true);

    // Nothing in the audit log names them or holds their address, and its events are all there.
    const events = await bed.db
      .select()
      .from(auditEvents)
      .where(or(eq(auditEvents.actorId, p.id), eq(auditEvents.subjectUserId, p.id)));
    expect(events.length).toBeGreaterThan(5);
    const text = JSON.stringify(events);
    expect(text).not.toContain(p.email);
    expect(text).not.toContain("198.51.100.99");
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining(["study.consented", "study.withdrawn", "account.deleted", "study.erasure_completed"]),
    );
    // The exception is narrow: outside an account deletion, and for anything but the labels, the log is append-only.
    const [first] = events;
    const tryChange = (q: ReturnType<typeof sql>) =>
      bed.db.execute(q).then(
        () => "changed",
        (e: { message?: string; cause?: { message?: string } }) => e.cause?.message ?? e.message,
      );
    expect(await tryChange(sql`update audit_events set actor_label = 'x' where id = ${first.id}`)).toMatch(
      /append-only/,
    );
    const inRedaction = await bed.db
      .transaction(async (tx) => {
        await tx.execute(sql`set local claimlink.audit_redaction = 'on'`);
        await tx.execute(sql`update audit_events set action = 'x' where id = ${first.id}`);
      })
      .then(
        () => "changed",
        (e: { message?: string; cause?: { message?: string } }) => e.cause?.message ?? e.message,
      );
    expect(inRedaction).toMatch(/append-only/);
    expect(await tryChange(sql`delete from audit_events where id = ${first.id}`)).toMatch(/append-only/);

    // Deleting again: not found.
    expect((await deleteAccount(bed.db, bed.staff, p.id, { reason: "again" }).catch((e) => e)).code).toBe("not_found");
  });

  it("by staff on request, with the reason audited; their own devices outside studies are erased", async () => {
    const p = await insertAccount(bed.db, "solo");
    const d = await claimTestDevice(bed.database, bed.cfg, p);
    await insertReadings(bed.db, d.deviceId, 30);
    const r = await deleteAccount(bed.db, bed.staff, p.id, { reason: "Mail of 3 December" });
    expect(r).toMatchObject({ studiesLeft: 0, devicesReleased: 1 });
    await resumeErasures(bed.db);
    expect(await bed.db.select().from(measurements).where(eq(measurements.deviceId, d.deviceId))).toEqual([]);
    expect(await bed.db.select().from(devices).where(eq(devices.id, d.deviceId))).toEqual([]);
    const [ev] = await bed.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "account.deleted"), eq(auditEvents.subjectUserId, p.id)));
    expect(ev).toMatchObject({ actorId: bed.staff.id, detail: { byStaff: true, reason: "Mail of 3 December" } });
  });

  it("refuses one's own account on request and the last staff account that can sign in, changing nothing", async () => {
    const staffer = await insertAccount(bed.db, "staffer", "staff");
    const unchanged = async (db = bed.db) => {
      const [row] = await db.select().from(users).where(eq(users.id, staffer.id));
      expect(row).toMatchObject({ email: staffer.email, deletedAt: null, role: "staff" });
    };
    const own = await deleteAccount(bed.db, staffer, staffer.id, { reason: "Asked myself" }).catch((e) => e);
    expect([own.code, own.status]).toEqual(["conflict", 409]);
    expect(own.detail).toMatch(/your own account/);
    await unchanged();
    const [audited] = await bed.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "account.delete_refused"), eq(auditEvents.actorId, staffer.id)));
    expect(audited).toMatchObject({ outcome: "failure", subjectUserId: staffer.id, detail: { code: "conflict" } });

    // The only staff account that can sign in: every other one disabled, in a transaction rolled
    // back afterwards (the PostgreSQL test database is shared with earlier runs).
    const answers: { code?: string; status?: number; detail?: string }[] = [];
    const rolledBack = await bed.db
      .transaction(async (tx) => {
        await tx
          .update(users)
          .set({ disabledAt: new Date() })
          .where(and(eq(users.role, "staff"), ne(users.id, staffer.id), isNull(users.disabledAt)));
        answers.push(await deleteAccount(tx, bed.staff, staffer.id, { reason: "Asked by mail" }).catch((e) => e));
        // "Delete my account" of that staff member: the same refusal.
        answers.push(await deleteAccount(tx, staffer, staffer.id).catch((e) => e));
        await unchanged(tx);
        tx.rollback();
      })
      .then(
        () => false,
        () => true,
      );
    expect(rolledBack).toBe(true);
    for (const a of answers) {
      expect([a.code, a.status]).toEqual(["conflict", 409]);
      expect(a.detail).toMatch(/last staff account/);
    }
    // With another staff account that can sign in, staff delete it on request.
    expect(await deleteAccount(bed.db, bed.staff, staffer.id, { reason: "Asked by mail" })).toMatchObject({
      userId: staffer.id,
    });
  });

  it("erases a legacy node with its readings and its replaced board's hardware id", async () => {
    const p = await insertAccount(bed.db, "legacy-erased");
    const chip = () => `esp8266-${Math.floor(Math.random() * 1e12)}`;
    const [oldBoard, newBoard] = [chip(), chip()];
    const node = await registerLegacyNode(bed.db, bed.staff, {
      hardwareId: oldBoard,
      ownerEmail: p.email,
      name: "Roof",
      model: "sensor-community",
    });
    const c = await issueNodeCredential(bed.db, bed.staff, node.id);
    const authorization = `Basic ${Buffer.from(`${c.user}:${c.secret}`).toString("base64")}`;
    const push = (sensorHeader: string) =>
      ingestLegacy(
        bed.db,
        { perNodePerMinute: 100, perAddressPerMinute: 100 },
        {
          sensorHeader,
          authorization,
          body: { sensordatavalues: [{ value_type: "temperature", value: "2" }] },
          ip: null,
        },
      );
    await push(oldBoard);
    await push(newBoard);
    expect(
      await bed.db.select().from(legacyRetiredHardwareIds).where(eq(legacyRetiredHardwareIds.nodeId, node.id)),
    ).toHaveLength(1);
    await deleteAccount(bed.db, bed.staff, p.id, { reason: "Asked by mail" });
    await resumeErasures(bed.db);
    expect(await bed.db.select().from(legacyNodes).where(eq(legacyNodes.id, node.id))).toEqual([]);
    expect(
      await bed.db.select().from(legacyRetiredHardwareIds).where(eq(legacyRetiredHardwareIds.nodeId, node.id)),
    ).toEqual([]);
    expect(await bed.db.select().from(measurements).where(eq(measurements.deviceId, node.deviceId))).toEqual([]);
  });
});

import { and, count, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rowsOf } from "../db/client";
import { auditEvents, deviceShares, devices, enrolments, erasures, measurements } from "../db/schema";
import { shareDevice } from "../devices/shares";
import { isRefusal } from "../devices/signed-request";
import { answerIntake, setIntakeQuestions } from "./intake";
import { eraseBatch, erasureStatus, resumeErasures, runErasure, type ErasureStatus } from "./erasure";
import { visibleDevices, visibleEnrolments } from "./visible";
import { previewWithdrawal, withdrawFromStudy } from "./withdraw";
import {
  claimTestDevice,
  insertAccount,
  insertReadings,
  postSignedReadings,
  signedRequest,
  studyTestBed,
  type Claimed,
} from "./test-fixtures";

const bed = studyTestBed();

/**
 * Rows of every table of the database whose text mentions any of `needles` (the participant's
 * account, enrolment, devices and credentials): "every table", read from the catalogue, so a
 * table added later is counted too.
 */
async function rowsMentioning(needles: string[]): Promise<Record<string, number>> {
  const tables = rowsOf<{ table_name: string }>(
    await bed.db.execute(
      sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
    ),
  ).map((t) => t.table_name);
  const out: Record<string, number> = {};
  const pattern = `%(${needles.join("|")})%`;
  for (const t of tables) {
    const [{ n }] = rowsOf<{ n: number | string }>(
      await bed.db.execute(
        sql`select count(*) as n from ${sql.identifier(t)} as r where r::text similar to ${pattern}`,
      ),
    );
    if (Number(n) > 0) out[t] = Number(n);
  }
  return out;
}

async function inStudyWithData(policy: "erase" | "retain") {
  const study = await bed.openStudy({ dataPolicy: policy });
  await setIntakeQuestions(bed.db, bed.staff, study.id, [
    { kind: "number", label: { en: "Rooms" }, required: true, unit: null, min: 1, max: 30 },
  ]);
  const p = await bed.participant(study);
  const [q] = await bed.db
    .execute(sql`select id from intake_questions where study_id = ${study.id}`)
    .then(rowsOf<{ id: string }>);
  await answerIntake(bed.db, p, study.id, { answers: { [q.id]: 4 } });
  const d1 = await claimTestDevice(bed.database, bed.cfg, p);
  const d2 = await claimTestDevice(bed.database, bed.cfg, p);
  await insertReadings(bed.db, d1.deviceId, 700);
  await insertReadings(bed.db, d2.deviceId, 300);
  expect(
    await postSignedReadings(bed.database, bed.cfg, d1, [
      { property: "rh", time: new Date().toISOString(), value: 40 },
    ]),
  ).toMatchObject({
    status: 200,
  });
  const viewer = await insertAccount(bed.db, "viewer");
  await shareDevice(bed.db, p, d1.deviceId, viewer.email);
  return { study, p, d1, d2, viewer };
}

const refusedAs = async (d: Claimed) => {
  const r = await signedRequest(bed.db, bed.cfg, d);
  return isRefusal(r) ? r.error.code : "accepted";
};

describe("withdrawal", () => {
  it("from a study one is not in is study_not_found and changes nothing", async () => {
    const study = await bed.openStudy();
    const other = await bed.openStudy();
    const p = await bed.participant(study);
    const d = await claimTestDevice(bed.database, bed.cfg, p);
    const before = await bed.db.select().from(enrolments).where(eq(enrolments.userId, p.id));
    const err = await withdrawFromStudy(bed.db, p, other.id, p.id).catch((e) => e);
    expect([err.code, err.status]).toEqual(["study_not_found", 404]);
    expect(await bed.db.select().from(enrolments).where(eq(enrolments.userId, p.id))).toEqual(before);
    expect(await refusedAs(d)).toBe("accepted");
    const [refused] = await bed.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "study.withdrawal_refused"), eq(auditEvents.actorId, p.id)));
    expect(refused.detail).toMatchObject({ code: "study_not_found", studyId: other.id });
    // Withdrawing twice: the second is refused the same way.
    await withdrawFromStudy(bed.db, p, study.id, p.id);
    expect((await withdrawFromStudy(bed.db, p, study.id, p.id).catch((e) => e)).code).toBe("study_not_found");
  });

  it("staff withdraw someone only with a reason", async () => {
    const study = await bed.openStudy();
    const p = await bed.participant(study);
    expect((await withdrawFromStudy(bed.db, bed.staff, study.id, p.id).catch((e) => e)).code).toBe("invalid_request");
    const r = await withdrawFromStudy(bed.db, bed.staff, study.id, p.id, { reason: "Asked by phone, ticket 12" });
    expect(r.dataPolicy).toBe("erase");
    const [ev] = await bed.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "study.withdrawn"), eq(auditEvents.subjectUserId, p.id)));
    expect(ev).toMatchObject({ actorId: bed.staff.id, detail: { reason: "Asked by phone, ticket 12" } });
  });

  it("under erase: revokes at once, ends shares, hides the participant, and erases every row of theirs in the study in batches", async () => {
    const { study, p, d1, d2 } = await inStudyWithData("erase");
    const preview = await previewWithdrawal(bed.db, p.id, study.id);
    expect(preview).toMatchObject({ dataPolicy: "erase", readings: 1001, intakeAnswers: true });
    expect(preview.devices.map((d) => d.id).sort()).toEqual([d1.deviceId, d2.deviceId].sort());

    const [e] = await bed.db.select().from(enrolments).where(eq(enrolments.userId, p.id));
    const needles = [p.id, e.id, d1.deviceId, d2.deviceId, d1.credentialId, d2.credentialId];
    const before = await rowsMentioning(needles);
    for (const t of [
      "measurements",
      "devices",
      "device_credentials",
      "claims",
      "intake_answers",
      "device_shares",
      "request_nonces",
    ])
      expect(before[t], t).toBeGreaterThan(0);

    const w = await withdrawFromStudy(bed.db, p, study.id, p.id);
    expect(w).toMatchObject({ dataPolicy: "erase", devices: 2, revokedCredentials: 2, endedShares: 1 });
    expect(await refusedAs(d1)).toBe("credential_revoked");
    expect(await refusedAs(d2)).toBe("credential_revoked");
    const shares = await bed.db.select().from(deviceShares).where(eq(deviceShares.deviceId, d1.deviceId));
    expect(shares.map((s) => s.endedReason)).toEqual(["withdrawn"]);
    // From the withdrawal's commit on, researchers see nothing of them, erasure or not.
    expect((await visibleEnrolments(bed.db, study.id)).map((x) => x.userId)).not.toContain(p.id);
    expect(await visibleDevices(bed.db, study.id)).toEqual([]);

    // One batch, then the process "dies": the job stays open with the rest of the readings.
    const step = await eraseBatch(bed.db, w.erasureId!, 400);
    expect(step).toEqual({ done: false, deleted: 400 });
    expect((await erasureStatus(bed.db, w.erasureId!)).completedAt).toBeNull();
    const [{ n: left }] = await bed.db
      .select({ n: count() })
      .from(measurements)
      .where(sql`${measurements.deviceId} in (${d1.deviceId}, ${d2.deviceId})`);
    expect(left).toBe(601);
    expect(await visibleDevices(bed.db, study.id)).toEqual([]);

    // The next start (or housekeeping) resumes it.
    expect(await resumeErasures(bed.db, 250)).toBeGreaterThanOrEqual(1);
    const status = await erasureStatus(bed.db, w.erasureId!);
    expect(status.completedAt).toBeInstanceOf(Date);
    expect(status.readingsDeleted).toBe(1001);
    expect(await erasureStatus(bed.db, w.erasureId!, p.id)).toEqual(status);
    expect((await erasureStatus(bed.db, w.erasureId!, bed.staff.id).catch((e) => e)).code).toBe("not_found");

    const after = await rowsMentioning(needles);
    // What stays: the account itself, the record of the enrolment, consent and withdrawal, the
    // append-only audit log, the erasure's own report, and short-lived rate-limit counters.
    expect(Object.keys(after).sort()).toEqual(
      ["audit_events", "consents", "enrolments", "erasures", "rate_limits", "users"].filter((t) => t in after),
    );
    expect(after.enrolments).toBe(1);
    const [erased] = await bed.db.select().from(enrolments).where(eq(enrolments.id, e.id));
    expect(erased.erasedAt).toBeInstanceOf(Date);
    const [done] = await bed.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "study.erasure_completed"), eq(auditEvents.subjectUserId, p.id)));
    expect(done.detail).toMatchObject({ readings: 1001, devices: 2, intakeAnswers: 1 });
    // Running it again does nothing.
    expect(await runErasure(bed.db, w.erasureId!)).toMatchObject({ done: true, deleted: 0 });
  });

  it("erasing lets other work run between its batches, so the app keeps answering", async () => {
    const { study, p } = await inStudyWithData("erase");
    const w = await withdrawFromStudy(bed.db, p, study.id, p.id);
    const running = runErasure(bed.db, w.erasureId!, 10);
    // A timer fires only when the event loop gets a turn. The embedded database runs its queries
    // in this thread, so a status read while 100 batches run means the erasure yields between them.
    const midway = new Promise<ErasureStatus>((resolve, reject) =>
      setTimeout(() => erasureStatus(bed.db, w.erasureId!).then(resolve, reject), 0),
    );
    const [status, done] = await Promise.all([midway, running]);
    expect(status.completedAt).toBeNull();
    expect(done).toMatchObject({ done: true, deleted: 1001 });
  });

  it("under retain: revokes, marks withdrawn from that moment, keeps the data and accepts nothing new", async () => {
    const { study, p, d1 } = await inStudyWithData("retain");
    const w = await withdrawFromStudy(bed.db, p, study.id, p.id);
    expect(w).toMatchObject({ dataPolicy: "retain", erasureId: null, devices: 2 });
    expect(await refusedAs(d1)).toBe("credential_revoked");
    expect(
      await postSignedReadings(bed.database, bed.cfg, d1, [
        { property: "rh", time: new Date().toISOString(), value: 41 },
      ]),
    ).toEqual({ code: "credential_revoked" });
    const [{ n }] = await bed.db
      .select({ n: count() })
      .from(measurements)
      .where(eq(measurements.deviceId, d1.deviceId));
    expect(n).toBe(701);
    const visible = await visibleDevices(bed.db, study.id);
    expect(visible).toHaveLength(2);
    expect(visible.every((d) => d.withdrawnAt?.getTime() === w.withdrawnAt.getTime())).toBe(true);
    // A claim for the study is refused: they are no longer in it.
    const refused = await claimTestDevice(bed.database, bed.cfg, p, "coreink-heat", study.id).catch((e) => e);
    expect(refused.code).toBe("study_not_found");
    // A device outside any study is still theirs to claim, and lands outside the study.
    const own = await claimTestDevice(bed.database, bed.cfg, p);
    const [fresh] = await bed.db.select().from(devices).where(eq(devices.id, own.deviceId));
    expect(fresh.studyId).toBeNull();
    expect(await bed.db.select().from(erasures).where(eq(erasures.userId, p.id))).toEqual([]);
  });
});

import { and, count, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, consents, consentVersions, enrolments } from "../db/schema";
import { newId } from "../ids";
import { consentState, consentToStudy, findEnrolment, showConsent, studiesAwaitingConsent } from "./consent";
import { listConsentVersions, reviseConsent } from "./consent-versions";
import { claimTestDevice, postSignedReadings, studyTestBed } from "./test-fixtures";
import { editStudy } from "./studies";

const bed = studyTestBed();
const code = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: { code?: string; message?: string }) => e.code ?? e.message,
  );
const now = () => new Date().toISOString();

describe("consent versions", () => {
  it("edits the current version in place until a participant saw it, then makes a new one; past versions stay readable", async () => {
    const study = await bed.openStudy();
    const first = await reviseConsent(bed.db, bed.staff, study.id, {
      text: { en: "Draft two" },
      requiresReconsent: true,
    });
    expect(first).toMatchObject({ created: false, version: { id: study.consentVersionId, version: 1 } });
    // Version 1 never asks for consent again: nobody consented before it.
    expect(first.version.requiresReconsent).toBe(false);

    const p = await bed.participant(study, { consent: false });
    const screen = await showConsent(bed.db, p.id, study.id);
    expect(screen.current.text.en).toBe("Draft two");

    const second = await reviseConsent(bed.db, bed.staff, study.id, {
      text: { en: "Version two", nl: "Versie twee" },
      changes: { en: "We now also measure CO2." },
      requiresReconsent: true,
    });
    expect(second).toMatchObject({ created: true, version: { version: 2, requiresReconsent: true } });
    const versions = await listConsentVersions(bed.db, study.id);
    expect(versions.map((v) => [v.version, v.text.en])).toEqual([
      [1, "Draft two"],
      [2, "Version two"],
    ]);
  });

  it("the database refuses changing or deleting a shown version, and any change to a consent given", async () => {
    const study = await bed.openStudy();
    const p = await bed.participant(study);
    const change = (q: ReturnType<typeof sql>) =>
      bed.db.execute(q).then(
        () => "changed",
        (e: { cause?: { message?: string } }) => e.cause?.message,
      );
    expect(
      await change(sql`update consent_versions set text = '{"en":"sneaky"}' where id = ${study.consentVersionId}`),
    ).toMatch(/was shown and cannot change/);
    expect(await change(sql`delete from consent_versions where id = ${study.consentVersionId}`)).toMatch(
      /was shown and cannot be deleted/,
    );
    expect(await change(sql`update consents set version = 7 where user_id = ${p.id}`)).toMatch(/append-only/);
    expect(await change(sql`delete from consents where user_id = ${p.id}`)).toMatch(/append-only/);
    // Marking it shown again is no change either.
    expect(
      await change(sql`update consent_versions set first_shown_at = now() where id = ${study.consentVersionId}`),
    ).toMatch(/cannot change/);
    const [v] = await bed.db.select().from(consentVersions).where(eq(consentVersions.id, study.consentVersionId));
    expect(v.text.en).toMatch(/I agree/);
    expect((await bed.db.select({ n: count() }).from(consents).where(eq(consents.userId, p.id)))[0].n).toBe(1);
  });
});

describe("consenting", () => {
  it("records the consent with the address bucket, not the address, and audits it", async () => {
    const study = await bed.openStudy();
    const p = await bed.participant(study, { consent: false });
    await consentToStudy(bed.db, { ...p, ip: "203.0.113.77" }, study.id, study.consentVersionId);
    const [row] = await bed.db.select().from(consents).where(eq(consents.userId, p.id));
    expect(row).toMatchObject({ studyId: study.id, version: 1, addressBucket: "203.0.113.0/24" });
    const e = await findEnrolment(bed.db, study.id, p.id);
    expect(await consentState(bed.db, e!)).toBe("consented");
    const audited = await bed.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "study.consented"), eq(auditEvents.subjectUserId, p.id)));
    expect(audited).toHaveLength(1);
  });

  it("refuses a version that does not exist, another study's, or an old one, with a clear 4xx, and changes nothing", async () => {
    const study = await bed.openStudy();
    const other = await bed.openStudy();
    const p = await bed.participant(study, { consent: false });
    const old = study.consentVersionId;
    // Version 1 shown, then a version 2: version 1 is no longer current.
    await showConsent(bed.db, p.id, study.id);
    await reviseConsent(bed.db, bed.staff, study.id, { text: { en: "v2" }, requiresReconsent: false });
    const before = await bed.db.select().from(enrolments).where(eq(enrolments.userId, p.id));

    const refusals = [];
    for (const versionId of [newId("cnv"), other.consentVersionId, old]) {
      const err = await consentToStudy(bed.db, p, study.id, versionId).catch((e) => e);
      refusals.push([err.code, err.status]);
    }
    expect(refusals).toEqual([
      ["consent_version_not_found", 404],
      ["consent_version_not_found", 404],
      ["consent_version_not_current", 409],
    ]);
    // A study one is not in is answered as if it did not exist.
    expect(await code(consentToStudy(bed.db, p, other.id, other.consentVersionId))).toBe("study_not_found");
    expect(await bed.db.select().from(enrolments).where(eq(enrolments.userId, p.id))).toEqual(before);
    expect((await bed.db.select({ n: count() }).from(consents).where(eq(consents.userId, p.id)))[0].n).toBe(0);
    const audited = await bed.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "study.consent_refused"), eq(auditEvents.actorId, p.id)));
    expect(audited.map((a) => a.detail.code).sort()).toEqual([
      "consent_version_not_current",
      "consent_version_not_found",
      "consent_version_not_found",
      "study_not_found",
    ]);
  });

  it("refuses consent in a study that is not open", async () => {
    const study = await bed.openStudy();
    const p = await bed.participant(study, { consent: false });
    await bed.db.execute(sql`update studies set status = 'ended' where id = ${study.id}`);
    expect(await code(consentToStudy(bed.db, p, study.id, study.consentVersionId))).toBe("study_closed");
  });
});

describe("a new version that needs consent again", () => {
  it("is asked for first; meanwhile claims are refused and readings paused (setting `pause`), until they consent again", async () => {
    const study = await bed.openStudy();
    const p = await bed.participant(study);
    const device = await claimTestDevice(bed.database, bed.cfg, p);
    const reading = () => [{ property: "temperature", unit: "Cel", time: now(), value: 20 + Math.random() }];
    expect(await postSignedReadings(bed.database, bed.cfg, device, reading())).toMatchObject({ status: 200 });

    const { version } = await reviseConsent(bed.db, bed.staff, study.id, {
      text: { en: "We now also record CO2." },
      changes: { en: "CO2 added." },
      requiresReconsent: true,
    });
    expect((await studiesAwaitingConsent(bed.db, p.id)).map((s) => [s.studyId, s.state])).toEqual([
      [study.id, "reconsent_pending"],
    ]);
    const screen = await showConsent(bed.db, p.id, study.id);
    expect(screen.since.map((v) => v.changes.en)).toEqual(["CO2 added."]);

    // The device keeps its readings: 429 with a wait, which the protocol already tells it to honour.
    expect(await postSignedReadings(bed.database, bed.cfg, device, reading())).toMatchObject({
      code: "rate_limited",
      retryAfterSeconds: 3600,
    });
    expect(await code(claimTestDevice(bed.database, bed.cfg, p))).toBe("consent_required");

    await consentToStudy(bed.db, p, study.id, version.id);
    expect(await studiesAwaitingConsent(bed.db, p.id)).toEqual([]);
    expect(await postSignedReadings(bed.database, bed.cfg, device, reading())).toMatchObject({ status: 200 });
    const [{ n }] = await bed.db
      .select({ n: count() })
      .from(consents)
      .where(and(eq(consents.userId, p.id), eq(consents.studyId, study.id)));
    expect(n).toBe(2);
  });

  it("with the setting `continue`, readings keep arriving under the consent already given", async () => {
    const study = await bed.openStudy({ pendingConsentReadings: "continue" });
    const p = await bed.participant(study);
    const device = await claimTestDevice(bed.database, bed.cfg, p);
    await reviseConsent(bed.db, bed.staff, study.id, { text: { en: "v2" }, requiresReconsent: true });
    const r = await postSignedReadings(bed.database, bed.cfg, device, [
      { property: "temperature", time: now(), value: 19 },
    ]);
    expect(r).toMatchObject({ status: 200, body: { accepted: 1 } });
  });

  it("a version that does not ask again leaves the consent standing", async () => {
    const study = await bed.openStudy();
    const p = await bed.participant(study);
    await showConsent(bed.db, p.id, study.id);
    await reviseConsent(bed.db, bed.staff, study.id, { text: { en: "typo fixed" }, requiresReconsent: false });
    const e = await findEnrolment(bed.db, study.id, p.id);
    expect(await consentState(bed.db, e!)).toBe("consented");
    await claimTestDevice(bed.database, bed.cfg, p);
  });
});

describe("the data policy", () => {
  it("cannot change once the study has left draft: participants consented to it", async () => {
    const study = await bed.openStudy();
    const err = await editStudy(bed.db, bed.staff, study.id, { dataPolicy: "retain" }).catch((e) => e);
    expect([err.code, err.status]).toEqual(["conflict", 409]);
    expect((await editStudy(bed.db, bed.staff, study.id, { dataPolicy: "erase" })).dataPolicy).toBe("erase");
  });
});

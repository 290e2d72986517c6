import { describe, expect, it } from "vitest";
import { consentToStudy } from "../studies/consent";
import { inviteToStudy } from "../studies/enrol";
import { withdrawFromStudy } from "../studies/withdraw";
import { claimTestDevice, insertAccount, insertReadings, OPTS, studyTestBed } from "../studies/test-fixtures";
import { accountOverview } from "./account-overview";

const bed = studyTestBed();

describe("an account as staff see it before acting on a request", () => {
  it("lists each study with what a withdrawal would do, and what deleting the account would erase", async () => {
    const erase = await bed.openStudy({ dataPolicy: "erase" });
    const retain = await bed.openStudy({ dataPolicy: "retain" });
    const p = await insertAccount(bed.db, "overview");
    // A device of their own before any study: it stays outside the studies.
    const outside = await claimTestDevice(bed.database, bed.cfg, p);
    for (const s of [erase, retain]) {
      await inviteToStudy(bed.db, bed.staff, { email: p.email, name: "P", role: "participant", studyId: s.id }, OPTS);
      await consentToStudy(bed.db, p, s.id, s.consentVersionId);
    }
    const inErase = await claimTestDevice(bed.database, bed.cfg, p, "coreink-heat", erase.id);
    await insertReadings(bed.db, inErase.deviceId, 12);
    await insertReadings(bed.db, outside.deviceId, 30);
    await withdrawFromStudy(bed.db, bed.staff, retain.id, p.id, { reason: "Asked by phone" });

    const o = await accountOverview(bed.db, p.id);
    expect(o.account).toMatchObject({ id: p.id, email: p.email, role: "participant", deletedAt: null });
    const byId = Object.fromEntries(o.studies.map((s) => [s.studyId, s]));
    expect(byId[erase.id]).toMatchObject({
      state: "consented",
      withdrawnAt: null,
      withdrawal: { dataPolicy: "erase", readings: 12, devices: [{ id: inErase.deviceId }] },
    });
    expect(byId[retain.id]).toMatchObject({ state: "withdrawn", withdrawal: null, erasure: null });
    expect(byId[retain.id].withdrawnAt).toBeInstanceOf(Date);
    expect(o.deletion).toEqual({ devicesOutsideStudies: 1, readingsOutsideStudies: 30 });
  });

  it("an unknown account is not_found", async () => {
    expect((await accountOverview(bed.db, "usr_AAAAAAAAAAAAAAAA").catch((e) => e)).code).toBe("not_found");
  });
});

import { and, count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { claims, devices } from "../db/schema";
import { newId } from "../ids";
import { claimTestDevice, insertAccount, studyTestBed } from "../studies/test-fixtures";
import { withdrawFromStudy } from "../studies/withdraw";
import { claimRequestSchema } from "./schemas";
import { fleetPage } from "../devices/fleet-query";
import { fleetPageSchema } from "../devices/schemas";

// A claim made for a study (docs/studies.md "Claiming for a study"): the device protocol is
// unchanged; the study travels in the person's claim request and lands on the device record.

const bed = studyTestBed();
const code = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: { code?: string }) => e.code,
  );
const claimsOf = async (userId: string) =>
  (await bed.db.select({ n: count() }).from(claims).where(eq(claims.userId, userId)))[0].n;

describe("claims for a study", () => {
  it("land in the participant's one study; the device belongs to it, and the fleet filters by it", async () => {
    const study = await bed.openStudy();
    const p = await bed.participant(study);
    const d = await claimTestDevice(bed.database, bed.cfg, p);
    const [row] = await bed.db.select().from(devices).where(eq(devices.id, d.deviceId));
    expect(row.studyId).toBe(study.id);
    const outside = await claimTestDevice(bed.database, bed.cfg, await insertAccount(bed.db));
    const page = await fleetPage(bed.db, fleetPageSchema.parse({ study: study.id }));
    expect(page.rows.map((r) => r.device.id)).toEqual([d.deviceId]);
    expect(page.rows.map((r) => r.device.id)).not.toContain(outside.deviceId);
    expect(fleetPageSchema.safeParse({ study: "nope" }).success).toBe(false);
  });

  it("someone in several studies must say which; a named study must be theirs", async () => {
    const a = await bed.openStudy();
    const b = await bed.openStudy();
    const p = await bed.participant(a);
    const { inviteToStudy } = await import("../studies/enrol");
    const { consentToStudy } = await import("../studies/consent");
    await inviteToStudy(
      bed.db,
      bed.staff,
      { email: p.email, name: "P", role: "participant", studyId: b.id },
      {
        days: 7,
        publicUrl: "https://x.example",
      },
    );
    await consentToStudy(bed.db, p, b.id, b.consentVersionId);
    expect(await code(claimTestDevice(bed.database, bed.cfg, p))).toBe("study_required");
    expect(await code(claimTestDevice(bed.database, bed.cfg, p, "coreink-heat", newId("stu")))).toBe("study_not_found");
    expect(await claimsOf(p.id)).toBe(0);
    const d = await claimTestDevice(bed.database, bed.cfg, p, "coreink-heat", b.id);
    const [row] = await bed.db.select().from(devices).where(eq(devices.id, d.deviceId));
    expect(row.studyId).toBe(b.id);
    expect(claimRequestSchema.safeParse({ sid: "A".repeat(26), pop: "B".repeat(26), study: "stu_x" }).success).toBe(
      false,
    );
  });

  it("need consent to the current version first, and a model the study uses", async () => {
    const study = await bed.openStudy({ models: ["coreink-heat"] });
    const p = await bed.participant(study, { consent: false });
    expect(await code(claimTestDevice(bed.database, bed.cfg, p))).toBe("consent_required");
    const q = await bed.participant(study);
    expect(await code(claimTestDevice(bed.database, bed.cfg, q, "aircheck-2"))).toBe("model_not_in_study");
    expect(await claimsOf(p.id)).toBe(0);
    expect(await claimsOf(q.id)).toBe(0);
  });

  it("a claim waiting for its device when the participant withdraws binds nothing", async () => {
    const study = await bed.openStudy();
    const p = await bed.participant(study);
    const { startSession } = await import("./start-session");
    const { markPolled, pollSession } = await import("./poll-session");
    const { createClaim } = await import("./create-claim");
    const { answerChallenge } = await import("./answer-challenge");
    const { deviceProofFor, pop, stepOf } = await import("../../device/protocol");
    const seed = Buffer.alloc(32, 7);
    const s = await startSession(bed.db, bed.cfg, { model: "coreink-heat", firmware: "1.0" }, { ip: "198.51.100.200" });
    await markPolled(bed.db, s.sid);
    const c0 = pop(seed, s.sid, stepOf(Math.floor(Date.now() / 1000), bed.cfg.stepSeconds));
    const c = await createClaim(bed.db, bed.cfg, p, { sid: s.sid, pop: c0 });
    const ch = await pollSession(bed.database, bed.cfg, s.sid, s.sessionToken, 0);
    if (ch.state !== "challenge") throw new Error("no challenge");
    await withdrawFromStudy(bed.db, p, study.id, p.id);
    const nonce = "A".repeat(22);
    const r = await answerChallenge(
      bed.db,
      bed.cfg,
      { sid: s.sid, claimId: c.claimId, sessionToken: s.sessionToken },
      { accept: true, deviceNonce: nonce, deviceProof: deviceProofFor(c0, s.sid, c.claimId, ch.nonce, nonce) },
    ).catch((e) => e);
    // The claim ends as a time-out (which the protocol knows): the device keeps showing codes, no record exists.
    expect(r).toEqual({ state: "waiting" });
    const [ended] = await bed.db.select().from(claims).where(eq(claims.id, c.claimId));
    expect([ended.state, ended.reason]).toEqual(["failed", "timeout"]);
    expect(
      await bed.db
        .select()
        .from(devices)
        .where(and(eq(devices.ownerId, p.id))),
    ).toEqual([]);
  });

  it("someone in no study claims as before", async () => {
    const p = await insertAccount(bed.db);
    const d = await claimTestDevice(bed.database, bed.cfg, p);
    const [row] = await bed.db.select().from(devices).where(eq(devices.id, d.deviceId));
    expect(row.studyId).toBeNull();
  });
});

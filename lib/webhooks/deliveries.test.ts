import { notInArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { devices } from "../db/schema";
import { reportDeviceLost, revokeDevice } from "../devices/lifecycle";
import { takeSilentDevices } from "../devices/notices";
import { withdrawFromStudy } from "../studies/withdraw";
import { claimTestDevice, insertAccount } from "../studies/test-fixtures";
import { rollSecret } from "./subscriptions";
import { bodyOf, verifyStandardWebhook, webhookTestBed } from "./test-receiver";

// Webhooks as a receiver gets them, on the test database: each event once, signed as Standard
// Webhooks says (checked by a verifier written from the specification), in pseudonyms for a
// study's subscription, and under both secrets for a day after a roll.

const { bed, delivery, receiver, subscribe, drain } = webhookTestBed();

describe("webhook deliveries", () => {
  it("a receiver gets each event once, signed as Standard Webhooks says, with no name or email in it", async () => {
    const rx = await receiver();
    const { secret } = await subscribe(rx.url);
    const owner = await insertAccount(bed.db, "hookowner");
    const a = await claimTestDevice(bed.database, bed.cfg, owner);
    const b = await claimTestDevice(bed.database, bed.cfg, owner);
    await revokeDevice(bed.db, bed.staff, a.deviceId);
    await reportDeviceLost(bed.db, owner, b.deviceId);
    const c = await claimTestDevice(bed.database, bed.cfg, owner);
    // Silent for a day as housekeeping sees it; only c still holds a live credential. Devices of
    // other test files on a shared database are not this test's: their outages count as noticed
    // (their studies' keys are sealed under those files' own keyrings, which events cannot open).
    await bed.db
      .update(devices)
      .set({ silenceNoticeFor: devices.lastSeenAt })
      .where(notInArray(devices.id, [a.deviceId, b.deviceId, c.deviceId]));
    const silent = await takeSilentDevices(bed.db, 24, Date.now() + 2 * 86_400_000);
    expect(silent).toContain(c.deviceId);

    await drain();
    await drain(); // nothing twice
    const mine = rx.got.filter((r) => [a, b, c].some((d) => r.body.includes(d.deviceId)));
    const seen = mine.map((r) => `${bodyOf(r).type} ${bodyOf(r).data.deviceId}`).sort();
    expect(seen).toEqual(
      [
        `device.claimed ${a.deviceId}`,
        `device.claimed ${b.deviceId}`,
        `device.claimed ${c.deviceId}`,
        `device.revoked ${a.deviceId}`,
        `device.lost ${b.deviceId}`,
        `device.silent ${c.deviceId}`,
      ].sort(),
    );
    expect(new Set(mine.map((r) => r.headers["webhook-id"])).size).toBe(mine.length);
    for (const r of mine) {
      expect(verifyStandardWebhook([secret], r.headers, r.body)).toEqual([true]);
      expect(r.headers["content-type"]).toBe("application/json");
      expect(r.body).not.toContain(owner.email);
      expect(r.body).not.toContain(owner.id);
      // A tampered body fails the same verifier.
      expect(verifyStandardWebhook([secret], r.headers, r.body.replace("device", "devicE"))).toEqual([false]);
    }
    const claimed = bodyOf(mine.find((r) => bodyOf(r).type === "device.claimed" && r.body.includes(a.deviceId))!);
    expect(claimed.data).toMatchObject({ deviceId: a.deviceId, model: "coreink-heat", studyId: null, kind: "new" });
  });

  it("a subscription limited to a study gets only that study's events, in pseudonyms; a withdrawal names no one", async () => {
    const study = await bed.openStudy({ dataPolicy: "retain" });
    const other = await bed.openStudy();
    const rx = await receiver();
    const { secret } = await subscribe(rx.url, { studyId: study.id });
    const p = await bed.participant(study);
    const q = await bed.participant(other);
    const d = await claimTestDevice(bed.database, bed.cfg, p, "coreink-heat", study.id);
    await claimTestDevice(bed.database, bed.cfg, q, "coreink-heat", other.id);
    await withdrawFromStudy(bed.db, p, study.id, p.id);
    await drain();
    const types = rx.got.map((r) => bodyOf(r).type);
    expect(types.sort()).toEqual(["device.claimed", "participant.withdrawn"]);
    for (const r of rx.got) {
      expect(verifyStandardWebhook([secret], r.headers, r.body)).toEqual([true]);
      for (const secretThing of [p.email, p.id, d.deviceId, q.email, "dev_", "usr_", "@"])
        expect(r.body).not.toContain(secretThing);
      expect(bodyOf(r).data.studyId).toBe(study.id);
    }
    const withdrawn = bodyOf(rx.got.find((r) => bodyOf(r).type === "participant.withdrawn")!).data;
    expect(withdrawn).toMatchObject({ dataPolicy: "retain" });
    expect(withdrawn.participant).toMatch(/^p_[A-Z2-7]{10}$/);
    expect(withdrawn.devices).toEqual([bodyOf(rx.got.find((r) => bodyOf(r).type === "device.claimed")!).data.device]);
  });

  it("a rolled secret: both secrets sign for a day, then only the new one", async () => {
    const rx = await receiver();
    const { view, secret: old } = await subscribe(rx.url, { events: ["device.lost"] });
    const { secret: fresh } = await rollSecret(bed.db, bed.cfg.secretKey, bed.staff, view.id);
    expect(fresh).not.toBe(old);
    expect(fresh).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const owner = await insertAccount(bed.db, "roll");
    const d1 = await claimTestDevice(bed.database, bed.cfg, owner);
    const d2 = await claimTestDevice(bed.database, bed.cfg, owner);
    await reportDeviceLost(bed.db, owner, d1.deviceId);
    await drain();
    expect(verifyStandardWebhook([old, fresh], rx.got[0].headers, rx.got[0].body)).toEqual([true, true]);
    await reportDeviceLost(bed.db, owner, d2.deviceId);
    await drain(delivery, new Date(Date.now() + 86_400_000 + 1000));
    expect(verifyStandardWebhook([old, fresh], rx.got[1].headers, rx.got[1].body)).toEqual([false, true]);
    expect(String(rx.got[1].headers["webhook-signature"]).split(" ")).toHaveLength(1);
  });
});

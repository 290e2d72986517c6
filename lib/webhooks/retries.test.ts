import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, webhookDeliveries, webhookSubscriptions } from "../db/schema";
import { reportDeviceLost } from "../devices/lifecycle";
import { claimTestDevice, insertAccount } from "../studies/test-fixtures";
import { runDeliveries } from "./deliver";
import { listDeliveries, replayDelivery } from "./deliveries";
import { updateSubscription } from "./subscriptions";
import { webhookTestBed } from "./test-receiver";

// Webhook deliveries that fail or whose worker dies, on the test database: growing delays and then
// a disabled subscription; a queued delivery survives its worker; workers at once send each once.

const { bed, delivery, receiver, subscribe, drain } = webhookTestBed();

describe("webhook retries and workers", () => {
  it("a failing receiver gets retries with growing delays, then the subscription is disabled; enabling delivers", async () => {
    let answer = 500;
    const rx = await receiver(() => answer, "boom ".repeat(50_000));
    const { view } = await subscribe(rx.url, { events: ["device.lost"] });
    const owner = await insertAccount(bed.db, "failing");
    const d = await claimTestDevice(bed.database, bed.cfg, owner);
    await reportDeviceLost(bed.db, owner, d.deviceId);

    const t0 = Date.now();
    let now = new Date(t0);
    const due: number[] = [];
    for (let i = 0; i < 8; i++) {
      await runDeliveries(bed.db, { ...delivery, retryMaxSeconds: 3600 }, now);
      const [row] = await bed.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.subscriptionId, view.id));
      due.push(row.nextAttemptAt.getTime());
      now = row.nextAttemptAt;
    }
    expect(rx.got).toHaveLength(8);
    const delays = due.map((t, i) => t - (i === 0 ? t0 : due[i - 1]));
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1] - 50);
    expect(delays[5]).toBeGreaterThan(delays[0] * 4);
    const [log] = await listDeliveries(bed.db, view.id);
    expect(log.state).toBe("pending");
    expect(log.log).toHaveLength(8);
    expect(log.log[0]).toMatchObject({ status: 500, error: "answered 500" });
    expect(log.log[0].responseSnippet!.length).toBeLessThanOrEqual(512);

    // A day after the first failure: disabled, audited, and nothing more is sent.
    const report = await runDeliveries(bed.db, delivery, new Date(t0 + 86_400_000 + 1000));
    expect(report.disabled.map((s) => s.id)).toEqual([view.id]);
    const [s] = await bed.db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, view.id));
    expect(s.disabledReason).toBe("failing");
    const audit = await bed.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "webhook.disabled"), eq(auditEvents.subjectUserId, bed.staff.id)));
    expect(audit.some((e) => (e.detail as { subscriptionId?: string }).subscriptionId === view.id)).toBe(true);
    const sent = rx.got.length;
    await drain(delivery, new Date(t0 + 3 * 86_400_000));
    expect(rx.got).toHaveLength(sent);
    expect(await replayDelivery(bed.db, bed.staff, view.id, log.id).catch((e) => e.code)).toBe("subscription_disabled");

    answer = 200;
    await updateSubscription(bed.db, { allowLoopback: true }, bed.staff, view.id, { enabled: true });
    await drain();
    const [done] = await listDeliveries(bed.db, view.id);
    expect(done.state).toBe("delivered");
    expect(rx.got).toHaveLength(sent + 1);
    // Replay: the same event again, with the same webhook-id.
    await replayDelivery(bed.db, bed.staff, view.id, done.id);
    await drain();
    expect(rx.got).toHaveLength(sent + 2);
    expect(rx.got.at(-1)!.headers["webhook-id"]).toBe(rx.got.at(-2)!.headers["webhook-id"]);
  });

  it("a delivery taken by a worker that died is sent once its lease has passed", async () => {
    const rx = await receiver();
    const { view } = await subscribe(rx.url, { events: ["device.lost"] });
    const owner = await insertAccount(bed.db, "lease");
    const d = await claimTestDevice(bed.database, bed.cfg, owner);
    await reportDeviceLost(bed.db, owner, d.deviceId);
    // A worker took it (lease set, attempt counted) and was killed before sending.
    const lease = new Date(Date.now() + 30_000);
    await bed.db
      .update(webhookDeliveries)
      .set({ lockedUntil: lease, attempts: 1 })
      .where(eq(webhookDeliveries.subscriptionId, view.id));
    await drain();
    expect(rx.got).toHaveLength(0);
    await drain(delivery, new Date(lease.getTime() + 1000));
    expect(rx.got).toHaveLength(1);
  });

  it("workers running at once send each delivery once (SKIP LOCKED)", async () => {
    const rx = await receiver();
    await subscribe(rx.url, { events: ["device.lost"] });
    const owner = await insertAccount(bed.db, "race");
    const devices = [];
    for (let i = 0; i < 4; i++) devices.push(await claimTestDevice(bed.database, bed.cfg, owner));
    for (const d of devices) await reportDeviceLost(bed.db, owner, d.deviceId);
    const runs = await Promise.all([1, 2, 3].map(() => runDeliveries(bed.db, { ...delivery, batch: 2 })));
    await drain();
    expect(runs.reduce((n, r) => n + r.attempted, 0)).toBeLessThanOrEqual(4);
    const ids = rx.got.map((r) => String(r.headers["webhook-id"]));
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
  });
});

import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, webhookDeliveries, webhookSubscriptions } from "../db/schema";
import { reportDeviceLost, revokeDevice } from "../devices/lifecycle";
import { takeSilentDevices } from "../devices/notices";
import { env } from "../env";
import { withdrawFromStudy } from "../studies/withdraw";
import { claimTestDevice, insertAccount, studyTestBed } from "../studies/test-fixtures";
import { runDeliveries, type DeliveryConfig } from "./deliver";
import { listDeliveries, replayDelivery } from "./deliveries";
import { WEBHOOK_EVENT_TYPES } from "./schemas";
import { createSubscription, rollSecret, updateSubscription } from "./subscriptions";

// Webhooks end to end on the test database: a receiver of the test's own gets each event once,
// signed as Standard Webhooks says (checked by the verifier below, written from the
// specification, not with lib/webhooks/signature.ts); a failing receiver gets growing delays
// and then a disabled subscription; a queued delivery survives its worker; destinations on
// private addresses are refused at creation and at delivery.

const bed = studyTestBed();
// Studies of this file seal their pseudonym keys as the app does (env), so events can name pseudonyms.
bed.cfg.secretKey = env().secretKey;

type Received = { headers: IncomingHttpHeaders; body: string; at: number };

/** An HTTP receiver on 127.0.0.1 that answers `status()` and keeps what it got. */
async function receiver(status: () => number = () => 204, answer = "") {
  const got: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
      const s = status();
      res.writeHead(s, s === 302 ? { location: "http://127.0.0.1:1/elsewhere" } : {});
      res.end(answer);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  servers.push(server);
  return { got, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` };
}

/**
 * Standard Webhooks verification from the specification (spec/standard-webhooks.md "Verifying
 * webhook authenticity"): the secret is the base64 after `whsec_`; the signed content is
 * `id.timestamp.body`; the header holds space-delimited `v1,<base64>` signatures, any of which
 * may match; the timestamp must be within five minutes. Returns which of `secrets` matched.
 */
function verifyStandardWebhook(secrets: string[], h: IncomingHttpHeaders, body: string): boolean[] {
  const id = String(h["webhook-id"]);
  const ts = String(h["webhook-timestamp"]);
  if (!/^\d+$/.test(ts) || Math.abs(Date.now() / 1000 - Number(ts)) > 300) throw new Error("stale timestamp");
  const given = String(h["webhook-signature"])
    .split(" ")
    .map((s) => s.split(","))
    .filter(([v]) => v === "v1")
    .map(([, sig]) => Buffer.from(sig, "base64"));
  return secrets.map((secret) => {
    const key = Buffer.from(secret.slice("whsec_".length), "base64");
    const expected = createHmac("sha256", key).update(`${id}.${ts}.${body}`).digest();
    return given.some((g) => g.length === expected.length && timingSafeEqual(g, expected));
  });
}

const servers: Server[] = [];
const made: string[] = [];
let delivery: DeliveryConfig;

beforeAll(() => {
  delivery = {
    keys: bed.cfg.secretKey,
    allowLoopback: true,
    retryBaseSeconds: 2,
    retryMaxSeconds: 60,
    disableAfterSeconds: 86_400,
  };
});
// Subscriptions are removed after each test: the database is shared with other test files.
afterEach(async () => {
  if (made.length) await bed.db.delete(webhookSubscriptions).where(inArray(webhookSubscriptions.id, made.splice(0)));
});
afterAll(() => servers.forEach((s) => s.close()));

async function subscribe(url: string, input: Record<string, unknown> = {}, allowLoopback = true) {
  const staff = { ...bed.staff };
  const r = await createSubscription(bed.db, bed.cfg.secretKey, { allowLoopback }, staff, {
    url,
    events: [...WEBHOOK_EVENT_TYPES],
    ...input,
  });
  made.push(r.view.id);
  return r;
}

/** Runs the worker until nothing is due at `now`. */
async function drain(cfg: DeliveryConfig = delivery, now = new Date()) {
  for (let i = 0; i < 10; i++) if ((await runDeliveries(bed.db, cfg, now)).attempted === 0) return;
}

const bodyOf = (r: Received) =>
  JSON.parse(r.body) as { type: string; timestamp: string; data: Record<string, unknown> };

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
    // Silent for a day as housekeeping sees it; only c still holds a live credential.
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

describe("webhook destinations", () => {
  it("a literal private, loopback or link-local address, localhost and plain http are refused at creation", async () => {
    const refused = [
      "https://10.0.0.1/hook",
      "https://127.0.0.1/hook",
      "https://[::1]/hook",
      "https://[::ffff:127.0.0.1]/hook",
      "https://[::ffff:a9fe:a9fe]/hook",
      "https://169.254.169.254/latest/meta-data",
      "https://100.64.0.1/hook",
      "https://0.0.0.0/hook",
      "https://[::]/hook",
      "https://[fd00::1]/hook",
      "https://[fe80::1]/hook",
      "https://224.0.0.1/hook",
      "https://192.168.1.10/hook",
      "https://172.16.0.1/hook",
      "https://localhost/hook",
      "https://hooks.localhost/hook",
      "https://2130706433/hook", // 127.0.0.1 as the URL parser reads it
      "http://hooks.example.org/hook",
      "https://user:pw@hooks.example.org/hook",
      "ftp://hooks.example.org/hook",
    ];
    const before = await bed.db.select().from(webhookSubscriptions);
    for (const url of refused) {
      const code = await subscribe(url, {}, false).then(
        () => "created",
        (e: { code?: string }) => e.code,
      );
      expect(code, url).toBe("destination_not_allowed");
    }
    expect(await bed.db.select().from(webhookSubscriptions)).toHaveLength(before.length);
    const ok = await subscribe("https://hooks.example.org/claimlink", {}, false);
    expect(ok.view.url).toBe("https://hooks.example.org/claimlink");
  });

  it("outside development a name resolving to 127.0.0.1 is refused at delivery, and nothing is sent", async () => {
    const rx = await receiver();
    const port = new URL(rx.url).port;
    const { view } = await subscribe(`https://hooks.example.test:${port}/hook`, { events: ["device.lost"] }, false);
    const owner = await insertAccount(bed.db, "rebind");
    const d = await claimTestDevice(bed.database, bed.cfg, owner);
    await reportDeviceLost(bed.db, owner, d.deviceId);
    // The name's DNS answer is the attacker's: here it says 127.0.0.1.
    const resolve = async () => [{ address: "127.0.0.1", family: 4 }];
    await runDeliveries(bed.db, { ...delivery, allowLoopback: false, resolve });
    expect(rx.got).toHaveLength(0);
    const [log] = await listDeliveries(bed.db, view.id);
    expect(log.log[0].error).toMatch(/destination refused: hooks.example.test resolves to a loopback address/);
    // One private address among public ones is enough to refuse.
    const mixed = async () => [
      { address: "93.184.216.34", family: 4 },
      { address: "10.1.2.3", family: 4 },
    ];
    await runDeliveries(bed.db, { ...delivery, allowLoopback: false, resolve: mixed }, new Date(Date.now() + 60_000));
    const [again] = await listDeliveries(bed.db, view.id);
    expect(again.log[0].error).toMatch(/resolves to a private address/);
  });

  it("a redirect is not followed, and a receiver that does not answer times out", async () => {
    const rx = await receiver(() => 302);
    const { view } = await subscribe(rx.url, { events: ["device.lost"] });
    const owner = await insertAccount(bed.db, "redirect");
    const d = await claimTestDevice(bed.database, bed.cfg, owner);
    await reportDeviceLost(bed.db, owner, d.deviceId);
    await drain();
    expect(rx.got).toHaveLength(1);
    const [log] = await listDeliveries(bed.db, view.id);
    expect(log.log[0]).toMatchObject({ status: 302, error: "answered 302" });

    const silent = createServer(() => {
      /* never answers */
    });
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    servers.push(silent);
    const port = (silent.address() as AddressInfo).port;
    await updateSubscription(bed.db, { allowLoopback: true }, bed.staff, view.id, {
      url: `http://127.0.0.1:${port}/hook`,
    });
    await runDeliveries(bed.db, { ...delivery, timeoutMs: 300 }, new Date(Date.now() + 60_000));
    const [timedOut] = await listDeliveries(bed.db, view.id);
    expect(timedOut.log[0].error).toBe("no answer within 0.3 s");
    silent.closeAllConnections();
  });
});

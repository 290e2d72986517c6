import { expect, test } from "@playwright/test";
import type { Challenge } from "../device/client";
import { BASE, claim, claimState, devicesOnPage, pollingDevice, signedInApi } from "./api";
import { startApp, type AppProcess } from "./app-process";
import { createAccountWithCli, uniqueEmail } from "./helpers";

// PostgreSQL drops every connection of the app (a failover, a restart, an administrator's
// pg_terminate_backend) while devices long-poll and a claim is open. The app must recover by
// itself: new connections, and the LISTEN connection that wakes long polls set up again.
// Extra processes use E2E_PORT + 7 (see e2e/mail.spec.ts).
test.skip(!process.env.DATABASE_URL, "needs PostgreSQL (DATABASE_URL)");

const PORT = Number(process.env.E2E_PORT ?? 3100) + 7;
let app: AppProcess | null = null;
test.afterAll(async () => {
  await app?.stop();
});

/**
 * Terminates every other backend of the test's own database (never another database's), again
 * and again for `ms`: an outage, in which each reconnection is cut too. Returns how many.
 */
async function terminateEveryBackend(ms: number): Promise<number> {
  const { default: postgres } = await import("postgres");
  const sql = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  let n = 0;
  try {
    const until = Date.now() + ms;
    do {
      const rows = await sql<{ n: number }[]>`
        select count(*)::int as n from (
          select pg_terminate_backend(pid) from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid()) t`;
      n += rows[0].n;
      await new Promise((r) => setTimeout(r, 20));
    } while (Date.now() < until);
    return n;
  } finally {
    await sql.end();
  }
}

test("every backend terminated while devices long-poll and a claim is open: the app recovers by itself", async () => {
  test.setTimeout(180_000);
  app = await startApp(PORT, {});
  const { email, password } = createAccountWithCli(uniqueEmail("pgfault"), "participant", undefined, String(PORT));
  const api = await signedInApi(email, password, app.base);

  // Devices long-polling, and one claim open: challenged, not answered yet.
  const others = [await pollingDevice(app.base, "pg-fault-room"), await pollingDevice(app.base, "pg-fault-room")];
  const open = await pollingDevice(app.base, "pg-fault-room");
  const c = await claim(api, { sid: open.device.session!.sid, pop: open.device.codeAt(0) });
  expect(c.status).toBe(202);
  const ch = (await open.poll) as Challenge;
  expect(ch.state).toBe("challenge");

  // The device answers during the outage. Whatever it is told, the claim must end whole.
  const outage = terminateEveryBackend(2000);
  await new Promise((r) => setTimeout(r, 100));
  const answered = await open.device.answer(ch).catch((e: Error) => e);
  expect(await outage).toBeGreaterThan(0);

  // The recovery window: until the app's health check passes again (a query answers, and a
  // notification makes the round trip, so long polls can be woken).
  // The suite's own app shares the database and lost its connections too: the tests after this
  // one need it recovered as well.
  for (const base of [app.base, BASE]) {
    await expect
      .poll(async () => (await fetch(`${base}/api/health`).catch(() => null))?.status, { timeout: 30_000 })
      .toBe(200);
  }
  const statuses: string[] = []; // every answer after the recovery window
  const seen = (what: string, status: number) => statuses.push(`${status} ${what}`);

  // The open claim ended claimed or failed, never half.
  const ended = await claimState(api, c.body.claimId, 10);

  seen("claim state", ended.status);
  expect(["claimed", "failed"]).toContain(ended.body.state);
  if (ended.body.state === "claimed") {
    expect(answered).toMatchObject({ state: "claimed" });
    expect(ended.body.deviceId).toBe(open.device.credential!.deviceId);
  } else {
    expect(open.device.credential).toBeNull();
    expect(await devicesOnPage(api)).toEqual([]);
    // The device shows codes again; its owner claims it now.
    const again = await pollingDevice(app.base, "pg-fault-room");
    open.device.session = again.device.session; // (a fresh screen of the same device)
    const c2 = await claim(api, { sid: again.device.session!.sid, pop: again.device.codeAt(0) });
    seen("claim again", c2.status);
    const ch2 = (await again.poll) as Challenge;
    expect(await again.device.answer(ch2)).toMatchObject({ state: "claimed" });
    open.device.credential = again.device.credential;
  }
  // Exactly one device, and its credential works.
  const mine = await devicesOnPage(api);
  expect(mine).toEqual([open.device.credential!.deviceId]);
  const me = await open.device.signed("GET", "/api/v1/devices/me");
  seen("device me", me.status);
  expect(me.status).toBe(200);

  // Long polls wake again: a claim made now wakes its device within a second. A poll opened
  // before the outage that is still waiting is the one woken; one that ended is opened again,
  // as a device does.
  const target = others[0];
  const pending = Symbol("pending");
  if ((await Promise.race([target.poll, Promise.resolve(pending)])) !== pending) {
    await target.device.poll(0);
    target.poll = target.device.poll(25).catch((e: Error) => e);
  }
  // Time for the long polls to reach the app, so the claim wakes them by NOTIFY. Not an
  // assumption the test fails on: a poll that arrives after the claim is answered at once.
  await new Promise((r) => setTimeout(r, 200));
  const second = await signedInApi(email, password, app.base);
  const c3 = await claim(second, { sid: target.device.session!.sid, pop: target.device.codeAt(0) });
  seen("claim after recovery", c3.status);
  expect(c3.status).toBe(202);
  const claimedAt = Date.now();
  const woken = await target.poll;
  expect(woken).toMatchObject({ state: "challenge" });
  expect(Date.now() - claimedAt).toBeLessThan(1000);

  // Ordinary traffic after the recovery window: no 5xx.
  const reading = JSON.stringify({
    measurements: [{ property: "temperature", time: Math.floor(Date.now() / 1000), value: 20.5 }],
  });
  seen("measurements", (await open.device.signed("POST", "/api/v1/devices/me/measurements", reading)).status);
  seen("devices page", (await api.get("/devices")).status());
  seen("me", (await api.get("/api/v1/me")).status());
  seen("series", (await api.get(`/api/v1/devices/${open.device.credential!.deviceId}/series?range=24h`)).status());
  const fresh = await pollingDevice(app.base, "pg-fault-room"); // a new device starts a session and polls (throws on a refusal)
  expect(await fresh.device.poll(0)).toMatchObject({ state: "waiting" });
  expect(
    statuses.filter((s) => s.startsWith("5")),
    statuses.join(", "),
  ).toEqual([]);
});

import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { DeviceClient, type Challenge } from "../device/client";
import { BASE, claim, claimState, newParticipant } from "./api";

// All protocol state lives in PostgreSQL and wake-ups travel by LISTEN/NOTIFY, so a device
// long-polling one app process is challenged by a claim made through another. PGlite is one
// process by design, so this runs on PostgreSQL only.
test.skip(!process.env.DATABASE_URL, "needs PostgreSQL (DATABASE_URL): PGlite serves a single process");

const SECOND_PORT = Number(process.env.E2E_PORT ?? 3100) + 1;
let second: ChildProcess;

test.beforeAll(async () => {
  second = spawn(process.execPath, [path.resolve("scripts/start.mjs")], {
    env: { ...process.env, PORT: String(SECOND_PORT), HOST: "127.0.0.1", CLAIMLINK_PUBLIC_URL: BASE, CLAIMLINK_CLAIM_TIMEOUT_SECONDS: "4" },
    stdio: "ignore",
  });
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://127.0.0.1:${SECOND_PORT}/api/health`).then((r) => r.ok).catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("the second app process did not start");
});

test.afterAll(() => {
  second?.kill("SIGTERM");
});

test("a device polling process B is challenged within milliseconds by a claim made through process A", async () => {
  const { api } = await newParticipant("two-proc");
  const device = new DeviceClient(`http://localhost:${SECOND_PORT}`, null);
  await device.startSession();
  const poll = device.poll(25);
  await new Promise((r) => setTimeout(r, 200));
  const t0 = Date.now();
  const c = await claim(api, { sid: device.session!.sid, pop: device.codeAt(0) }); // through process A
  expect(c.status).toBe(202);
  const ch = (await poll) as Challenge;
  const wakeMs = Date.now() - t0;
  expect(ch.state).toBe("challenge");
  expect(wakeMs).toBeLessThan(1000);

  const waiting = claimState(api, c.body.claimId, 25); // the user waits on A
  await device.answer(ch); // the device answers on B
  expect((await waiting).body).toMatchObject({ state: "claimed", deviceId: device.credential!.deviceId });
  const me = await device.signed("GET", "/api/v1/devices/me");
  expect(me.status).toBe(200); // the credential one process stored is read by the other
});

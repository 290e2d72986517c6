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
    env: {
      ...process.env,
      PORT: String(SECOND_PORT),
      HOST: "127.0.0.1",
      CLAIMLINK_PUBLIC_URL: BASE,
      CLAIMLINK_CLAIM_TIMEOUT_SECONDS: "4",
    },
    stdio: "ignore",
  });
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://127.0.0.1:${SECOND_PORT}/api/health`)
      .then((r) => r.ok)
      .catch(() => false);
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
  // Configured with the public origin; its requests reach process B.
  const device = new DeviceClient(BASE, null, { connect: `http://localhost:${SECOND_PORT}` });
  await device.startSession();
  await device.poll(0); // online (through B) before the claim, without guessing how long a request takes
  const poll = device.poll(25);
  // Time for the long poll to reach B, so the claim wakes it by NOTIFY. Not an assumption the
  // test fails on: a poll that arrives after the claim is answered at once, just as quickly.
  await new Promise((r) => setTimeout(r, 200));
  const c = await claim(api, { sid: device.session!.sid, pop: device.codeAt(0) }); // through process A
  expect(c.status).toBe(202);
  const claimedAt = Date.now();
  const ch = (await poll) as Challenge;
  expect(ch.state).toBe("challenge");
  // Woken by A's NOTIFY: without it B would answer only when the 25 s wait runs out. Measured from
  // A's answer (the NOTIFY is sent at its commit), so a loaded machine's slow claim does not count.
  expect(Date.now() - claimedAt).toBeLessThan(1000);

  const waiting = claimState(api, c.body.claimId, 25); // the user waits on A
  await device.answer(ch); // the device answers on B
  expect((await waiting).body).toMatchObject({ state: "claimed", deviceId: device.credential!.deviceId });
  const me = await device.signed("GET", "/api/v1/devices/me");
  expect(me.status).toBe(200); // the credential one process stored is read by the other
});

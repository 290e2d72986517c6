import { lstatSync } from "node:fs";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { DeviceClient, type Challenge } from "../device/client";
import { BASE, claim, claimState, signedInApi } from "./api";
import { startApp, type AppProcess } from "./app-process";
import { createAccountWithCli, uniqueEmail } from "./helpers";

// Faults a deployment meets: the app killed (SIGKILL: nothing closed, nothing flushed) at the
// worst moment, and the CLI's control channel. (PostgreSQL losing every connection is in
// e2e/pg-faults.spec.ts.) Extra processes use E2E_PORT + 6 (see e2e/mail.spec.ts).

const PORT = Number(process.env.E2E_PORT ?? 3100) + 6;
const onPostgres = !!process.env.DATABASE_URL;
const dataDirOf = (port: number | string) => path.resolve("e2e", ".tmp", `data-${port}`);

let app: AppProcess | null = null;
test.afterEach(async () => {
  await app?.stop();
  app = null;
});

type Held = { status: number; body: string };

/**
 * Between a device and the app: forwards everything, except that the answer to the one request
 * `hold` names is taken from the app in full (so the app has committed it) and then never
 * reaches the device: `release()` drops the device's connection, as a crash would.
 */
async function startCuttingProxy(upstream: string) {
  let match: ((method: string, url: string) => boolean) | null = null;
  let onHeld: ((h: Held) => void) | null = null;
  const held: ServerResponse[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string" && k !== "host") headers[k] = v;
    const hold = match?.(req.method ?? "GET", req.url ?? "/") ?? false;
    if (hold) match = null;
    const up = await fetch(`${upstream}${req.url}`, {
      method: req.method,
      headers,
      body: req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks),
    }).catch(() => null);
    if (!up) return res.destroy(); // the app is down: the device sees a dropped connection
    const body = await up.text();
    if (hold) {
      held.push(res);
      onHeld?.({ status: up.status, body });
      return;
    }
    const out: Record<string, string> = {};
    up.headers.forEach((v, k) => {
      if (!["content-length", "content-encoding", "transfer-encoding", "connection"].includes(k)) out[k] = v;
    });
    res.writeHead(up.status, out);
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** Holds the app's answer to the next request `m` matches; resolves once the app gave it. */
    hold(m: (method: string, url: string) => boolean): Promise<Held> {
      match = m;
      return new Promise((resolve) => (onHeld = resolve));
    },
    release() {
      for (const res of held.splice(0)) res.socket?.destroy();
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** The devices an account owns, as its devices page lists them. */
async function devicesOf(api: APIRequestContext): Promise<string[]> {
  const html = await (await api.get("/devices")).text();
  return [...new Set([...html.matchAll(/data-device-id="(dev_[A-Za-z0-9]+)"/g)].map((m) => m[1]))];
}

test("the app killed after committing a device's answer: the repeated answer gets the same claimed, nothing doubled", async () => {
  test.setTimeout(180_000);
  app = await startApp(PORT, {});
  const { email, password } = createAccountWithCli(uniqueEmail("crash"), "participant", undefined, String(PORT));
  const api = await signedInApi(email, password, app.base);
  const proxy = await startCuttingProxy(`http://127.0.0.1:${PORT}`);
  try {
    const device = new DeviceClient(app.base, null, { model: "crash-room", connect: proxy.url });
    await device.startSession();
    await device.poll(0); // online
    const poll = device.poll(25);
    const c = await claim(api, { sid: device.session!.sid, pop: device.codeAt(0) });
    expect(c.status).toBe(202);
    const ch = (await poll) as Challenge;
    expect(ch.state).toBe("challenge");

    const committed = proxy.hold((m, url) => m === "POST" && url.endsWith(`/claims/${ch.claimId}`));
    const answering = device.answer(ch);
    const first = await committed; // the app answered: the claim is committed, the device has not read it
    expect(first.status).toBe(200);
    const firstBody = JSON.parse(first.body) as { state: string; deviceId: string; credentialId: string };
    expect(firstBody.state).toBe("claimed");

    await app.kill();
    app = await startApp(PORT, {}, { keepData: true });
    proxy.release(); // the device's connection drops; it sends the same answer again

    const answered = await answering;
    expect(answered.state).toBe("claimed");
    expect(device.credential).toMatchObject({ deviceId: firstBody.deviceId, credentialId: firstBody.credentialId });
    const me = await device.signed("GET", "/api/v1/devices/me");
    expect(me.status).toBe(200); // the credential the device kept is the one the app stored

    const after = await signedInApi(email, password, app.base);
    expect((await claimState(after, c.body.claimId, 0)).body).toMatchObject({
      state: "claimed",
      deviceId: firstBody.deviceId,
    });
    expect(await devicesOf(after)).toEqual([firstBody.deviceId]);
  } finally {
    await proxy.close();
  }
});

test("the embedded database: the app killed during ingest keeps every acknowledged measurement", async () => {
  test.skip(onPostgres, "the embedded database's own durability (PostgreSQL's is PostgreSQL's)");
  test.setTimeout(180_000);
  app = await startApp(PORT, {});
  const { email, password } = createAccountWithCli(uniqueEmail("ingest"), "participant", undefined, String(PORT));
  const api = await signedInApi(email, password, app.base);
  const device = new DeviceClient(app.base, null, { model: "ingest-room" });
  await device.startSession();
  await device.poll(0);
  const poll = device.poll(25);
  const c = await claim(api, { sid: device.session!.sid, pop: device.codeAt(0) });
  expect(c.status).toBe(202);
  expect((await device.answer((await poll) as Challenge)).state).toBe("claimed");

  // Four senders, each batch of five readings with properties of their own, so each reading is
  // its own series afterwards. The app is killed while batches are in flight.
  const acknowledged: { property: string; value: number }[] = [];
  let killed = false;
  const stop = new AbortController(); // a device retries a lost batch forever; these stop instead
  let batch = 0;
  const now = Math.floor(Date.now() / 1000);
  const sender = async () => {
    while (!killed) {
      const b = batch++;
      const items = Array.from({ length: 5 }, (_, i) => ({
        property: `k${b}.r${i}`,
        time: now - 60 + (b % 50),
        value: b * 10 + i,
      }));
      const r = await device
        .signed("POST", "/api/v1/devices/me/measurements", JSON.stringify({ measurements: items }), stop.signal)
        .catch(() => null);
      if (!r) return; // the app is gone: this batch was never acknowledged
      if (r.status >= 200 && r.status < 300)
        acknowledged.push(...items.map(({ property, value }) => ({ property, value })));
    }
  };
  const senders = [sender(), sender(), sender(), sender()];
  await expect.poll(() => acknowledged.length, { timeout: 60_000 }).toBeGreaterThanOrEqual(150);
  killed = true;
  await app.kill();
  stop.abort();
  await Promise.all(senders);

  app = await startApp(PORT, {}, { keepData: true }); // the data directory opens (health is ok)
  const after = await signedInApi(email, password, app.base);
  const series = await (await after.get(`/api/v1/devices/${device.credential!.deviceId}/series?range=24h`)).json();
  const stored = new Map<string, number>(
    (series.series as { property: string; points: [number, number][] }[]).map((s) => [s.property, s.points[0][1]]),
  );
  const missing = acknowledged.filter((m) => stored.get(m.property) !== m.value);
  expect(missing, `${missing.length} of ${acknowledged.length} acknowledged readings lost`).toEqual([]);
  // The device keeps working on the reopened database.
  const more = await device.signed(
    "POST",
    "/api/v1/devices/me/measurements",
    JSON.stringify({ measurements: [{ property: "after", time: now, value: 1 }] }),
  );
  expect(more.status).toBe(200);
});

test.describe("the CLI's control channel", () => {
  test.skip(onPostgres, "on PostgreSQL the CLI connects to the database itself");

  test("the running app takes CLI commands on a 0600 socket in its data directory, and no HTTP path reaches it", async ({
    request,
  }) => {
    const port = process.env.E2E_PORT ?? "3100";
    const socket = path.join(dataDirOf(port), "control.sock");
    const st = lstatSync(socket);
    expect(st.isSocket()).toBe(true);
    expect((st.mode & 0o777).toString(8)).toBe("600");
    // The suite's app holds the database: this account is made through the socket.
    const { email, password } = createAccountWithCli(uniqueEmail("sock"), "participant");
    await signedInApi(email, password);

    // The old HTTP endpoint is gone, with or without a token, and nothing else answers for it.
    for (const p of ["/api/internal/cli", "/api/internal/cli/", "/api/internal", "/control.sock"]) {
      for (const method of ["GET", "POST"]) {
        const res = await request.fetch(`${BASE}${p}`, {
          method,
          headers: { authorization: "Bearer x", "content-type": "application/json", origin: BASE },
          data: method === "POST" ? { op: "users.list" } : undefined,
        });
        expect(res.status(), `${method} ${p}`).toBe(404);
      }
    }
  });

  test("a killed app's socket is replaced when it starts again, and the CLI reaches it", async () => {
    test.setTimeout(120_000);
    app = await startApp(PORT, {});
    const socket = path.join(dataDirOf(PORT), "control.sock");
    const before = lstatSync(socket).ctimeMs;
    await app.kill();
    expect(lstatSync(socket).isSocket()).toBe(true); // left behind: nothing closed it
    app = await startApp(PORT, {}, { keepData: true });
    const st = lstatSync(socket);
    expect(st.ctimeMs).toBeGreaterThan(before); // a new socket, not the dead one
    expect((st.mode & 0o777).toString(8)).toBe("600");
    const { email, password } = createAccountWithCli(uniqueEmail("restart"), "participant", undefined, String(PORT));
    await signedInApi(email, password, app.base);
  });
});

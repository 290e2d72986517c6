import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import postgres from "postgres";
import type { DeviceClient } from "../device/client";
import { claimDevice, signedInApi } from "./api";
import { startApp, type AppProcess } from "./app-process";
import { createAccountWithCli, uniqueEmail } from "./helpers";

// A backup that restores: claim a device, ingest, back up the running app's database, lose it,
// restore, and the device's next signed request works with its history whole. The embedded
// database through `npm run cli -- backup/restore`, PostgreSQL through pg_dump/pg_restore as
// docs/deployment.md gives them. The second app uses E2E_PORT + 10.

const PORT = Number(process.env.E2E_PORT ?? 3100) + 10;
const onPostgres = !!process.env.DATABASE_URL;
const dataDir = path.resolve("e2e", ".tmp", `data-${PORT}`);
const scratch = mkdtempSync(path.join(tmpdir(), "claimlink-backup-e2e-"));

let app: AppProcess | null = null;
test.afterAll(async () => {
  await app?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [path.resolve("node_modules/tsx/dist/cli.mjs"), "cli/index.ts", ...args], {
    env: { ...process.env, CLAIMLINK_DATA_DIR: dataDir, ...env },
    encoding: "utf8",
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
}

type Series = { series: { property: string; points: [number, number][] }[] };
const history = async (api: APIRequestContext, deviceId: string) =>
  ((await (await api.get(`/api/v1/devices/${deviceId}/series?range=24h`)).json()) as Series).series
    .map((s) => `${s.property}=${s.points.map((p) => p[1]).join(",")}`)
    .sort();

async function ingest(device: DeviceClient, batches: number) {
  const now = Math.floor(Date.now() / 1000);
  for (let b = 0; b < batches; b++) {
    const items = Array.from({ length: 10 }, (_, i) => ({
      property: `b${b}`,
      time: now - 600 + i * 30,
      value: b * 100 + i,
    }));
    const r = await device.signed("POST", "/api/v1/devices/me/measurements", JSON.stringify({ measurements: items }));
    expect(r.status).toBe(200);
  }
}

test("back up the running app, lose the database, restore: the device's next signed request works and its history is whole", async () => {
  test.setTimeout(240_000);
  let restoredUrl: string | null = null;
  app = await startApp(PORT, {});
  const { email, password } = createAccountWithCli(uniqueEmail("backup"), "participant", undefined, String(PORT));
  const api = await signedInApi(email, password, app.base);
  const { device, deviceId } = await claimDevice(api, {}, { base: app.base });
  await ingest(device, 5);
  const before = await history(api, deviceId);
  expect(before).toHaveLength(5);

  const file = path.join(scratch, "claimlink.backup");
  if (!onPostgres) {
    // Through the running app's control channel, without stopping it.
    const backup = cli(["backup", file]);
    expect(backup.status, backup.out).toBe(0);
    expect(backup.out).toContain("holds the password hashes and the keys");
    await app.stop();
    app = null;
    // A restore never replaces a database.
    const refused = cli(["restore", file]);
    expect(refused.status).toBe(1);
    expect(refused.out).toMatch(/not empty/);
    rmSync(dataDir, { recursive: true, force: true });
    const restore = cli(["restore", file]);
    expect(restore.status, restore.out).toBe(0);
    app = await startApp(PORT, {}, { keepData: true });
  } else {
    // docs/deployment.md: pg_dump in the custom format, pg_restore into a new, empty database.
    const url = new URL(process.env.DATABASE_URL!);
    run("pg_dump", ["--format=custom", "--no-owner", `--file=${file}`, url.href]);
    await app.stop();
    app = null;
    const name = `${url.pathname.slice(1)}_restored_${Date.now().toString(36)}`;
    const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`create database "${name}"`);
      restoredUrl = Object.assign(new URL(url.href), { pathname: `/${name}` }).href;
      run("pg_restore", ["--no-owner", `--dbname=${restoredUrl}`, file]);
      app = await startApp(PORT, { DATABASE_URL: restoredUrl });
    } finally {
      await admin.end();
    }
  }
  try {
    const me = await device.signed("GET", "/api/v1/devices/me");
    expect(me.status).toBe(200);
    const after = await signedInApi(email, password, app.base);
    expect(await history(after, deviceId)).toEqual(before);
    await ingest(device, 1);
  } finally {
    if (restoredUrl) {
      await app?.stop();
      app = null;
      const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
      await admin.unsafe(`drop database if exists "${new URL(restoredUrl).pathname.slice(1)}" with (force)`);
      await admin.end();
    }
  }
});

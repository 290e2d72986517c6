// npm run bench:rollout -- [--devices N] [--image-kib K] [--poll-seconds S]
//
// A staged firmware rollout to a simulated fleet (docs/firmware.md "Rollouts"). Starts the
// built app on a fresh database of the local PostgreSQL (created and dropped), with a firmware
// key of its own and the rollout engine ticking every second; claims N devices (default 1000)
// through the protocol; uploads a K KiB image (default 128) signed with that key; starts a
// rollout 1/10/50/100 % with no soak; then every device polls GET /api/v1/devices/me every S
// seconds (default 5, spread evenly), and on an update command downloads the image from the
// command's URL, checks its SHA-256 and acknowledges `done` with the new version. It prints the
// time each stage took (from the moment the engine sent it to the moment the next was sent),
// the bytes served and the app's CPU time over the rollout (from /proc).
import { createHash } from "node:crypto";
import type { DeviceClient } from "../device/client";
import { generateFirmwareKey, signFirmware } from "../lib/firmware/sign";
import {
  benchAccount,
  claimBenchDevices,
  cpuSeconds,
  machineLine,
  opt,
  sleep,
  startBenchApp,
  type BenchApp,
} from "./harness";

const N = opt("devices", 1000);
const IMAGE_KIB = opt("image-kib", 128);
const POLL_SECONDS = opt("poll-seconds", 5);
const PORT = Number(process.env.BENCH_PORT ?? 3294);
const MODEL = "bench-rollout";
const FROM = "1.0.0";
const TO = "1.1.0";
const STAGES = [1, 10, 50, 100];

async function staffApi(app: BenchApp, cookie: string, method: string, p: string, body?: unknown, headers = {}) {
  const r = await fetch(`${app.base}${p}`, {
    method,
    headers: {
      cookie,
      origin: app.base,
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${p}: ${r.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

type Rollout = {
  status: string;
  currentStage: number;
  stageStartedAt: string | null;
  totals: { done: number; failed: number };
};

async function main() {
  const key = generateFirmwareKey();
  const app = await startBenchApp(PORT, {
    CLAIMLINK_SESSION_STARTS_PER_MINUTE: "1000000",
    CLAIMLINK_CLAIMS_PER_HOUR: "1000000",
    CLAIMLINK_DEVICES_PER_ACCOUNT: "100000",
    CLAIMLINK_STAFF_2FA: "optional",
    CLAIMLINK_FIRMWARE_KEYS: key.publicKey,
    CLAIMLINK_ROLLOUT_TICK_SECONDS: "1",
  });
  try {
    const owner = await benchAccount(app, "owner@bench.example.org", "Owner");
    const staff = await benchAccount(app, "staff@bench.example.org", "Bench staff", "staff");

    const t0 = performance.now();
    const devices = await claimBenchDevices(app, owner, N, { model: MODEL, firmware: FROM }, 16);
    console.log(`claimed ${N} devices in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const image = Buffer.alloc(IMAGE_KIB * 1024, 0);
    for (let i = 0; i < image.length; i++) image[i] = (i * 31 + 7) & 0xff;
    const sha256 = createHash("sha256").update(image).digest("hex");
    const sig = signFirmware(key.privateKey, { model: MODEL, version: TO, size: image.length, sha256 });
    await uploadImage(app, staff, image, sig);

    // The devices: poll, download, verify, acknowledge.
    let bytes = 0;
    let downloads = 0;
    let acked = 0;
    let stop = false;
    const failures: string[] = [];
    const run = async (d: DeviceClient, i: number) => {
      await sleep(((i % N) / N) * POLL_SECONDS * 1000);
      while (!stop) {
        const me = await d.signed("GET", "/api/v1/devices/me");
        if (me.status !== 200 || !me.macVerified) failures.push(`poll ${me.status}`);
        const cmd = (
          me.body as {
            commands?: { id: string; type: string; params: { url: string; sha256: string; version: string } }[];
          }
        ).commands?.find((c) => c.type === "update_firmware");
        if (cmd) {
          const r = await fetch(cmd.params.url);
          const got = Buffer.from(await r.arrayBuffer());
          bytes += got.length;
          downloads++;
          const ok = createHash("sha256").update(got).digest("hex") === cmd.params.sha256;
          const ack = await d.signed(
            "POST",
            `/api/v1/devices/me/commands/${cmd.id}`,
            JSON.stringify(
              ok
                ? { status: "done", firmware: cmd.params.version }
                : { status: "failed", detail: "hash_mismatch: bench" },
            ),
          );
          if (ack.status !== 200) failures.push(`ack ${ack.status} ${ack.text}`);
          else acked++;
          return;
        }
        await sleep(POLL_SECONDS * 1000);
      }
    };

    const cpu0 = cpuSeconds(app.pids[0]);
    const started = performance.now();
    const created = await staffApi(app, staff, "POST", "/api/v1/staff/firmware/rollouts", {
      sha256,
      target: { kind: "model" },
      stages: STAGES.map((percent) => ({ percent, soakMinutes: 0 })),
      failureThreshold: { percent: 5, count: 3 },
      expiryHours: 24,
    });
    const fleet = Promise.all(devices.map(run));
    const stageAt: number[] = [];
    let last: Rollout | null = null;
    for (;;) {
      last = (await staffApi(app, staff, "GET", `/api/v1/staff/firmware/rollouts/${created.id}`)) as unknown as Rollout;
      if (last.stageStartedAt && stageAt[last.currentStage] === undefined)
        stageAt[last.currentStage] = performance.now();
      if (last.status !== "running") break;
      if (performance.now() - started > 30 * 60_000) throw new Error("the rollout took more than 30 minutes");
      await sleep(250);
    }
    const ended = performance.now();
    const cpu = cpuSeconds(app.pids[0]) - cpu0;
    stop = true;
    await fleet;

    const fmt = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log("");
    console.log(`${machineLine()}, ${new Date().toISOString()}`);
    console.log(
      `${N} devices polling every ${POLL_SECONDS} s, a ${IMAGE_KIB} KiB image, stages ${STAGES.join("/")} %, soak 0, engine tick 1 s`,
    );
    console.log(
      `rollout ${last.status}: ${last.totals.done} done, ${last.totals.failed} failed, in ${fmt(ended - started)}`,
    );
    STAGES.forEach((p, s) => {
      const from = stageAt[s];
      const to = s + 1 < STAGES.length ? stageAt[s + 1] : ended;
      console.log(
        `  stage ${s + 1} (${p} %): ${from !== undefined && to !== undefined ? fmt(to - from) : "not reached"}`,
      );
    });
    console.log(`bytes served: ${bytes.toLocaleString("en-US")} in ${downloads} downloads`);
    console.log(
      `app CPU over the rollout: ${cpu.toFixed(1)} s (${((100 * cpu) / ((ended - started) / 1000)).toFixed(0)} % of one core)`,
    );
    console.log(
      `acknowledged: ${acked}; problems: ${failures.length}${failures.length ? ` (first: ${failures[0]})` : ""}`,
    );
    if (last.status !== "completed" || failures.length) process.exitCode = 1;
  } finally {
    await app.stop();
  }
}

/** Registers the model and hands the image to the app as staff do (the upload of /staff/firmware). */
async function uploadImage(app: BenchApp, cookie: string, image: Buffer, sig: string) {
  await staffApi(app, cookie, "POST", "/api/v1/staff/models", { model: MODEL, displayName: "Bench rollout" });
  const form = new FormData();
  form.set("model", MODEL);
  form.set("version", TO);
  form.set("sig", sig);
  form.set("image", new Blob([new Uint8Array(image)]), "image.bin");
  const r = await fetch(`${app.base}/api/v1/staff/firmware`, {
    method: "POST",
    headers: { cookie, origin: app.base },
    body: form,
  });
  if (r.status !== 201) throw new Error(`upload refused: ${r.status} ${await r.text()}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

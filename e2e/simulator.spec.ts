import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { BASE, claimState, claimWhenOnline, newParticipant, staffApi } from "./api";

// `npm run device` as an operator runs it: it prints the QR and the claim URL, answers the
// claim, saves its state, sends room measurements, and picks up again from its state file.
function runSimulator(stateFile: string, extra: string[] = []) {
  const child = spawn(
    process.execPath,
    [
      path.resolve("node_modules/tsx/dist/cli.mjs"),
      "device/simulator.ts",
      "--server",
      BASE,
      "--state",
      stateFile,
      "--interval",
      "1",
      "--model",
      "sim-room",
      ...extra,
    ],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  /** The first match of `re` in the output (or, given `pick`, the first match it accepts). */
  const waitFor = async (re: RegExp, pick: (m: RegExpMatchArray) => boolean = () => true, ms = 20_000) => {
    const all = new RegExp(re.source, re.flags.includes("g") ? re.flags : re.flags + "g");
    const t0 = Date.now();
    while (Date.now() - t0 < ms) {
      const m = [...out.matchAll(all)].find(pick);
      if (m) return m;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`simulator never printed ${re}; output:\n${out.slice(-2000)}`);
  };
  return { child, waitFor, output: () => out };
}

test("the simulator shows a QR code, gets claimed, saves its state and sends measurements; restarted, it carries on", async () => {
  const { api } = await newParticipant("sim");
  const stateFile = path.join(mkdtempSync(path.join(tmpdir(), "claimlink-sim-")), "device.json");
  // Pinned to the server's published keys (1.1): it acts only on answers they sign.
  const keys = (await (await fetch(`${BASE}/.well-known/claimlink`)).json()).keys as { publicKey: string }[];
  const pins = keys.flatMap((k) => ["--pin", k.publicKey]);
  const sim = runSimulator(stateFile, pins);
  try {
    const m = await sim.waitFor(new RegExp(`${BASE.replace(/[/.]/g, "\\$&")}/claim#([A-Z2-7]{26})\\.([A-Z2-7]{26})`));
    await sim.waitFor(/Code to type: [A-Z2-7]{4} /); // the same write as the URL, but it may arrive in a later chunk
    expect(sim.output()).toContain("Pinned server keys: 1; acting only on answers they sign.");
    expect(sim.output()).toContain("\u2584"); // the terminal QR's half blocks
    const c = await claimWhenOnline(api, { sid: m[1], pop: m[2] }); // the QR is printed before the first poll
    expect(c.status).toBe(202);
    expect((await claimState(api, c.body.claimId)).body.state).toBe("claimed");
    await sim.waitFor(/Pat Participant is claiming this device/);
    await sim.waitFor(/Claimed as "Sim room [A-Z2-7]{4}"/);
    await sim.waitFor(/sent 3: 3 accepted, 0 duplicates, 0 rejected/);
    const saved = JSON.parse(readFileSync(stateFile, "utf8"));
    expect(saved.credential).toMatchObject({
      deviceId: expect.stringMatching(/^dev_/),
      credentialId: expect.stringMatching(/^crd_/),
      secretHex: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
  } finally {
    sim.child.kill();
  }

  const again = runSimulator(stateFile, pins);
  try {
    await again.waitFor(/sent \d+: \d+ accepted/);
    expect(again.output()).not.toContain("/claim#");
  } finally {
    again.child.kill();
  }
});

test("on a reprovision command the simulator starts a signed session; its owner claims it and it keeps its id", async () => {
  const { api } = await newParticipant("sim-reprov");
  const stateFile = path.join(mkdtempSync(path.join(tmpdir(), "claimlink-sim-")), "device.json");
  const sim = runSimulator(stateFile);
  const code = new RegExp(`${BASE.replace(/[/.]/g, "\\$&")}/claim#([A-Z2-7]{26})\\.([A-Z2-7]{26})`);
  try {
    const first = await sim.waitFor(code);
    const c = await claimWhenOnline(api, { sid: first[1], pop: first[2] });
    expect((await claimState(api, c.body.claimId)).body.state).toBe("claimed");
    await sim.waitFor(/sent 3: 3 accepted/);
    const before = JSON.parse(readFileSync(stateFile, "utf8")).credential;

    const staff = await staffApi();
    expect(
      (
        await staff.post(`/api/v1/staff/devices/${before.deviceId}/commands`, { data: { type: "reprovision" } })
      ).status(),
    ).toBe(201);
    await sim.waitFor(/Command reprovision/);
    const second = await sim.waitFor(code, (m) => m[1] !== first[1]); // the new session's QR
    const c2 = await claimWhenOnline(api, { sid: second[1], pop: second[2] });
    expect(c2.status).toBe(202);
    expect((await claimState(api, c2.body.claimId)).body).toMatchObject({
      state: "claimed",
      deviceId: before.deviceId,
    });
    await sim.waitFor(/Re-provisioned: credential crd_/);
    const after = JSON.parse(readFileSync(stateFile, "utf8")).credential;
    expect(after.deviceId).toBe(before.deviceId);
    expect(after.credentialId).not.toBe(before.credentialId);
  } finally {
    sim.child.kill();
  }
});

test("released by its owner, the simulator shows a new QR at once, and whoever claims it next gets a new record", async () => {
  const { api } = await newParticipant("sim-release");
  const stateFile = path.join(mkdtempSync(path.join(tmpdir(), "claimlink-sim-")), "device.json");
  const sim = runSimulator(stateFile);
  const code = new RegExp(`${BASE.replace(/[/.]/g, "\\$&")}/claim#([A-Z2-7]{26})\\.([A-Z2-7]{26})`);
  try {
    const first = await sim.waitFor(code);
    const c = await claimWhenOnline(api, { sid: first[1], pop: first[2] });
    expect((await claimState(api, c.body.claimId)).body.state).toBe("claimed");
    await sim.waitFor(/sent 3: 3 accepted/);
    const before = JSON.parse(readFileSync(stateFile, "utf8")).credential;
    expect((await api.post(`/api/v1/devices/${before.deviceId}/release`)).status()).toBe(204);

    await sim.waitFor(/credential was revoked .* Showing a new code/);
    const second = await sim.waitFor(code, (m) => m[1] !== first[1]);
    const { api: next } = await newParticipant("sim-next");
    const c2 = await claimWhenOnline(next, { sid: second[1], pop: second[2] });
    const done = (await claimState(next, c2.body.claimId)).body;
    expect(done.state).toBe("claimed");
    expect(done.deviceId).not.toBe(before.deviceId);
    await sim.waitFor(/Claimed as "Sim room [A-Z2-7]{4}" \(dev_/, (m) => !m[0].includes(before.deviceId));
  } finally {
    sim.child.kill();
  }
});

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { BASE, claim, claimState, newParticipant, staffApi } from "./api";

// `npm run device` as an operator runs it: it prints the QR and the claim URL, answers the
// claim, saves its state, sends room measurements, and picks up again from its state file.
function runSimulator(stateFile: string) {
  const child = spawn(process.execPath, [path.resolve("node_modules/tsx/dist/cli.mjs"), "device/simulator.ts", "--server", BASE, "--state", stateFile, "--interval", "1", "--model", "sim-room"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const waitFor = async (re: RegExp, ms = 20_000) => {
    const t0 = Date.now();
    while (Date.now() - t0 < ms) {
      const m = re.exec(out);
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
  const sim = runSimulator(stateFile);
  try {
    const m = await sim.waitFor(new RegExp(`${BASE.replace(/[/.]/g, "\\$&")}/claim#([A-Z2-7]{26})\\.([A-Z2-7]{26})`));
    expect(sim.output()).toMatch(/Code to type: [A-Z2-7]{4} /);
    expect(sim.output()).toContain("\u2584"); // the terminal QR's half blocks
    await new Promise((r) => setTimeout(r, 300));
    const c = await claim(api, { sid: m[1], pop: m[2] });
    expect(c.status).toBe(202);
    expect((await claimState(api, c.body.claimId)).body.state).toBe("claimed");
    await sim.waitFor(/Pat Participant is claiming this device/);
    await sim.waitFor(/Claimed as "Sim room [A-Z2-7]{4}"/);
    await sim.waitFor(/sent 3: 3 accepted, 0 duplicates, 0 rejected/);
    const saved = JSON.parse(readFileSync(stateFile, "utf8"));
    expect(saved.credential).toMatchObject({ deviceId: expect.stringMatching(/^dev_/), credentialId: expect.stringMatching(/^crd_/), secretHex: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
  } finally {
    sim.child.kill();
  }

  const again = runSimulator(stateFile);
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
  const code = `${BASE.replace(/[/.]/g, "\\$&")}/claim#([A-Z2-7]{26})\\.([A-Z2-7]{26})`;
  const codeRe = new RegExp(code, "g");
  try {
    const first = await sim.waitFor(new RegExp(code));
    await new Promise((r) => setTimeout(r, 300));
    const c = await claim(api, { sid: first[1], pop: first[2] });
    expect((await claimState(api, c.body.claimId)).body.state).toBe("claimed");
    await sim.waitFor(/sent 3: 3 accepted/);
    const before = JSON.parse(readFileSync(stateFile, "utf8")).credential;

    const staff = await staffApi();
    expect((await staff.post(`/api/v1/staff/devices/${before.deviceId}/commands`, { data: { type: "reprovision" } })).status()).toBe(201);
    await sim.waitFor(/Command reprovision/);
    let second: RegExpMatchArray | undefined;
    for (let i = 0; i < 100 && !second; i++) {
      second = [...sim.output().matchAll(codeRe)].find((m) => m[1] !== first[1]);
      if (!second) await new Promise((r) => setTimeout(r, 100));
    }
    expect(second).toBeTruthy();
    await new Promise((r) => setTimeout(r, 300));
    const c2 = await claim(api, { sid: second![1], pop: second![2] });
    expect(c2.status).toBe(202);
    expect((await claimState(api, c2.body.claimId)).body).toMatchObject({ state: "claimed", deviceId: before.deviceId });
    await sim.waitFor(/Re-provisioned: credential crd_/);
    const after = JSON.parse(readFileSync(stateFile, "utf8")).credential;
    expect(after.deviceId).toBe(before.deviceId);
    expect(after.credentialId).not.toBe(before.credentialId);
  } finally {
    sim.child.kill();
  }
});

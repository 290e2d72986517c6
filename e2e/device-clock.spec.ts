import { expect, test } from "@playwright/test";
import { DeviceClient, type Challenge } from "../device/client";
import { BASE, claim, claimState, deviceShowingCode, newParticipant } from "./api";

// docs/protocol.md 1.2, section 6: a device that pins the server's keys never refuses a verified
// answer because of its own clock (the nonce it sent already makes the answer fresh); it takes
// the answer's signed time instead when its clock is unset or more than SKEW off. A pinned
// device whose clock is 10 minutes ahead, 10 minutes behind or unset, before and after a claim,
// recovers and works.

async function pins(): Promise<string[]> {
  const doc = (await (await fetch(`${BASE}/.well-known/claimlink`)).json()) as {
    keys: { publicKey: string; use: string }[];
  };
  return doc.keys.filter((k) => k.use !== "retired").map((k) => k.publicKey);
}

const TEN_MINUTES = 600;
const realNow = () => Date.now() / 1000;

type Clock = { name: string; drift: number | null };
const clocks: Clock[] = [
  { name: "10 minutes ahead", drift: TEN_MINUTES },
  { name: "10 minutes behind", drift: -TEN_MINUTES },
  { name: "unset (a board without a real-time clock)", drift: null },
];

/** A pinned device: a drifted real-time clock, or none (time counts from 0 at boot until set). */
function pinnedDevice(keys: string[], clock: Clock, logs: string[], credential: DeviceClient["credential"] = null) {
  const boot = Date.now();
  return new DeviceClient(BASE, credential, {
    pins: keys,
    log: (l) => logs.push(l),
    ...(clock.drift === null
      ? { hasClock: false, clock: () => Date.now() - boot }
      : { clock: () => Date.now() + clock.drift! * 1000 }),
  });
}

for (const clock of clocks) {
  test(`a pinned device whose clock is ${clock.name} is claimed and reports, before and after the claim`, async () => {
    const keys = await pins();
    const { api } = await newParticipant("clock");
    const logs: string[] = [];
    const device = pinnedDevice(keys, clock, logs);
    expect(device.clockIsSet).toBe(clock.drift === null ? false : true);

    // Before the claim: the session start's signed time sets the clock (1.1 refused it when set).
    const d = await deviceShowingCode({ device });
    expect(device.clockIsSet).toBe(true);
    expect(Math.abs(device.now() - realNow())).toBeLessThan(3);
    if (clock.drift !== null)
      expect(logs.join("\n")).toMatch(/The time in the server's signature is -?\d+ s from this clock/);

    // The clock jumps again while the code is shown (a drifting RTC, an NTP step): the
    // challenge arrives with a signed time 10 minutes from the device's, is acted on anyway,
    // and puts the clock right before the device checks the server's proof against its PoP.
    device.skewClock(clock.drift ?? -TEN_MINUTES);
    const c = await claim(api, { sid: d.sid, pop: d.code });
    expect(c.status).toBe(202);
    const ch = (await d.poll) as Challenge;
    expect(ch.state).toBe("challenge");
    expect(Math.abs(device.now() - realNow())).toBeLessThan(3);
    const answered = await device.answer(ch);
    expect(answered.state).toBe("claimed");
    expect((await claimState(api, c.body.claimId)).body.state).toBe("claimed");

    // After the claim: the clock is off again, or the board restarts without one. The first
    // signed request is refused as stale_timestamp (signed and MACed), which sets the clock;
    // then the device works.
    const credential = device.credential!;
    const after = clock.drift === null ? pinnedDevice(keys, clock, logs, credential) : device;
    if (clock.drift !== null) after.skewClock(clock.drift);
    const me = await after.signed("GET", "/api/v1/devices/me");
    expect(me.status).toBe(200);
    expect(Math.abs(after.now() - realNow())).toBeLessThan(3);
    const t = Math.floor(after.now());
    const sent = await after.signed(
      "POST",
      "/api/v1/devices/me/measurements",
      JSON.stringify({ measurements: [{ property: "temperature", unit: "Cel", time: t, value: 21.5 }] }),
    );
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ accepted: 1 });

    // And a long poll of a re-provisioning session with the clock off again still works.
    after.skewClock(clock.drift ?? TEN_MINUTES);
    const again = await after.startSession(true);
    expect(again.sid).toMatch(/^[A-Z2-7]{26}$/);
    after.skewClock(clock.drift ?? TEN_MINUTES);
    expect((await after.poll(0)).state).toBe("waiting");
    expect(Math.abs(after.now() - realNow())).toBeLessThan(3);
  });
}

test("the clock never makes a pinned device accept an answer a pinned key did not sign", async () => {
  // The server's answers verify with the server's keys only: a device pinning another key (here
  // the protocol's test firmware key) refuses them, unset or drifted clock alike.
  const other = ["BKKQIeQBp4PRfpJ60tORaCiePAcw1uQCinD__Yb97vhChF75bFlf1OLmgYntCMYfFTJPMikyOgEMQEonoWfPQts"];
  for (const clock of clocks) {
    const device = pinnedDevice(other, clock, []);
    await expect(device.startSession()).rejects.toThrow(/not signed by a pinned key/);
    expect(device.clockIsSet).toBe(clock.drift !== null);
  }
});

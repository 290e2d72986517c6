import { expect, test } from "@playwright/test";
import { DeviceClient, type Challenge } from "../device/client";
import { authorizationHeader, expectedResponseMac } from "../device/protocol";
import { BASE, claim, claimDevice, claimState, deviceShowingCode, newParticipant, staffApi } from "./api";

// docs/protocol.md end to end over HTTP: a real server, the simulator's device code, signed-in users.

async function raw(method: string, path: string, o: { headers?: Record<string, string>; body?: string } = {}) {
  const r = await fetch(`${BASE}${path}`, { method, headers: o.headers, body: o.body });
  const text = await r.text();
  return { status: r.status, text, json: text ? JSON.parse(text) : null, headers: r.headers };
}

function signedRaw(
  cred: { credentialId: string; secretHex: string },
  method: string,
  path: string,
  body = "",
  o: { ts?: number; nonce?: string; sendBody?: string } = {},
) {
  const secret = Buffer.from(cred.secretHex, "hex");
  const { header, nonce } = authorizationHeader(
    cred.credentialId,
    secret,
    method,
    path,
    o.ts ?? Math.floor(Date.now() / 1000),
    body,
    o.nonce,
  );
  return raw(method, path, {
    headers: { authorization: header, "content-type": "application/json" },
    body: method === "GET" ? undefined : (o.sendBody ?? body),
  }).then((r) => ({
    ...r,
    nonce,
    macOk: r.headers.get("claimlink-response-mac") === expectedResponseMac(secret, nonce, r.status, r.text),
  }));
}

test("happy path: claim, device answers, measurements, profile; the device record appears only after the proof", async () => {
  const { api } = await newParticipant("happy");
  const d = await deviceShowingCode({ model: "coreink-heat" });
  expect(d.device.currentQr().text).toBe(`${BASE}/claim#${d.sid}.${d.code}`);

  const c = await claim(api, { sid: d.sid.toLowerCase(), pop: d.code.replace(/(.{4})/g, "$1-") });
  expect(c.status).toBe(202);
  expect(c.body).toMatchObject({ state: "waiting_for_device", claimId: expect.stringMatching(/^clm_/) });
  const ch = (await d.poll) as Challenge;
  expect(ch).toMatchObject({
    state: "challenge",
    claimId: c.body.claimId,
    account: { displayName: "Pat Participant" },
  });
  expect((await claimState(api, c.body.claimId, 0)).body.state).toBe("waiting_for_device"); // no device yet

  const waiting = claimState(api, c.body.claimId, 25);
  await d.device.answer(ch);
  const done = await waiting;
  // Woken by the notification: without it the wait would end at the claim's deadline at the earliest.
  expect(Date.now()).toBeLessThan(Date.parse(c.body.expiresAt));
  expect(done.body).toMatchObject({
    state: "claimed",
    deviceId: d.device.credential!.deviceId,
    deviceName: "Coreink heat " + d.device.credential!.deviceId.slice(4, 8),
  });

  const again = await d.device.poll(0);
  expect(again).toMatchObject({
    state: "claimed",
    deviceId: d.device.credential!.deviceId,
    credentialId: d.device.credential!.credentialId,
  });

  const m = await d.device.signed(
    "POST",
    "/api/v1/devices/me/measurements",
    JSON.stringify({
      measurements: [{ property: "temperature", unit: "Cel", time: "2026-11-23T00:00:00Z", value: 21.5 }],
    }),
  );
  expect(m).toMatchObject({ status: 200, body: { accepted: 1, duplicates: 0, rejected: [] } });
  const me = await d.device.signed("GET", "/api/v1/devices/me");
  expect(me.body).toMatchObject({
    deviceId: d.device.credential!.deviceId,
    config: { measurementIntervalSeconds: 60 },
    commands: [],
  });
});

test("a PoP reused after the session is claimed is refused (session_claimed), and another user's claim id is 404", async () => {
  const { api } = await newParticipant();
  const first = await claimDevice(api);
  const other = await newParticipant("other");
  const reuse = await claim(other.api, { sid: first.sid, pop: first.code });
  expect(reuse.status).toBe(409);
  expect(reuse.body.code).toBe("session_claimed");
  expect(reuse.headers["content-type"]).toContain("application/problem+json");
  const peek = await other.api.get(`/api/v1/claims/${first.claimId}`);
  expect(peek.status()).toBe(404);
  expect((await peek.json()).code).toBe("claim_not_found");
});

test("a PoP two steps old gets pop_mismatch; the previous step's PoP still works", async () => {
  const { api } = await newParticipant();
  // The device's clock is pinned, so "two steps old" and "previous" cannot shift with a step boundary mid-test.
  const pinned = Date.now();
  const d = await deviceShowingCode({ device: new DeviceClient(BASE, null, { clock: () => pinned }) });
  const old = await claim(api, { sid: d.sid, pop: d.device.codeAt(-2) });
  expect(old.status).toBe(202);
  await d.device.answer((await d.poll) as Challenge);
  expect((await claimState(api, old.body.claimId)).body).toMatchObject({ state: "failed", reason: "pop_mismatch" });

  const poll = d.device.poll(25); // a claim made before this poll arrives is answered by it at once
  const prev = await claim(api, { sid: d.sid, pop: d.device.codeAt(-1) });
  expect(prev.status).toBe(202);
  expect((await d.device.answer((await poll) as Challenge)).state).toBe("claimed");
});

// Protocol 1.1 changed this rule: five wrong codes lock out the account that sent them, not the
// session; the session locks for everyone only after MAX_SESSION_POP_FAILURES (20) in all.
test("five wrong PoPs lock out that account only (session_locked); another account still claims", async () => {
  const [flooder, owner] = await Promise.all([newParticipant("flooder"), newParticipant("owner")]);
  const d = await deviceShowingCode();
  for (let i = 0; i < 5; i++) {
    const c = await claim(flooder.api, { sid: d.sid, pop: "A".repeat(26) });
    expect(c.status).toBe(202);
    const ch = (await (i === 0 ? d.poll : d.device.poll(0))) as Challenge;
    expect((await d.device.answer(ch)).state).toBe("waiting");
  }
  const sixth = await claim(flooder.api, { sid: d.sid, pop: d.device.codeAt(0) });
  expect(sixth.status).toBe(423);
  expect(sixth.body.code).toBe("session_locked");
  expect(await d.device.poll(0)).toMatchObject({ state: "waiting" });

  const poll = d.device.poll(25);
  await new Promise((r) => setTimeout(r, 100));
  const mine = await claim(owner.api, { sid: d.sid, pop: d.device.codeAt(0) });
  expect(mine.status).toBe(202);
  expect((await d.device.answer((await poll) as Challenge)).state).toBe("claimed");
  expect((await claimState(owner.api, mine.body.claimId)).body).toMatchObject({ state: "claimed" });
});

test("MAX_SESSION_POP_FAILURES wrong codes in all lock the session for everyone, and the device sees locked", async () => {
  const accounts = await Promise.all([0, 1, 2, 3].map((i) => newParticipant(`guess-${i}`)));
  const d = await deviceShowingCode();
  let first = true;
  for (let n = 0; n < 20; n++) {
    const c = await claim(accounts[Math.floor(n / 5)].api, { sid: d.sid, pop: "A".repeat(26) });
    expect(c.status).toBe(202);
    const ch = (await (first ? d.poll : d.device.poll(0))) as Challenge;
    first = false;
    expect((await d.device.answer(ch)).state).toBe(n < 19 ? "waiting" : "locked");
  }
  expect(await d.device.poll(0)).toEqual({ state: "locked" });
  const fresh = await newParticipant("late");
  const late = await claim(fresh.api, { sid: d.sid, pop: d.device.codeAt(0) });
  expect(late.status).toBe(423);
  expect(late.body.code).toBe("session_locked");
});

test("two users racing for one session: exactly one gets the device", async () => {
  const [a, b] = await Promise.all([newParticipant("racer-a"), newParticipant("racer-b")]);
  const d = await deviceShowingCode();
  const results = await Promise.all([
    claim(a.api, { sid: d.sid, pop: d.code }),
    claim(b.api, { sid: d.sid, pop: d.code }),
  ]);
  const statuses = results.map((r) => r.status).sort();
  expect(statuses).toEqual([202, 409]);
  expect(results.find((r) => r.status === 409)!.body.code).toBe("claim_in_progress");
  const winner = results[0].status === 202 ? a : b;
  const winnerClaim = results.find((r) => r.status === 202)!.body.claimId;
  await d.device.answer((await d.poll) as Challenge);
  expect((await claimState(winner.api, winnerClaim)).body.state).toBe("claimed");
});

test("a device that is not polling is offline (device_offline)", async () => {
  const { api } = await newParticipant();
  const device = new DeviceClient(BASE);
  await device.startSession();
  const c = await claim(api, { sid: device.session!.sid, pop: device.codeAt(0) });
  expect(c.status).toBe(409);
  expect(c.body.code).toBe("device_offline");
  expect(c.body.detail).toMatch(/switched on and online/);
});

test("a device that never answers: the claim times out, and the session waits again", async () => {
  const { api } = await newParticipant();
  const d = await deviceShowingCode();
  const c = await claim(api, { sid: d.sid, pop: d.code });
  expect((await d.poll).state).toBe("challenge");
  const r = await claimState(api, c.body.claimId, 25);
  expect(r.body).toMatchObject({ state: "failed", reason: "timeout" });
  // Ended at the claim's own deadline (CLAIMLINK_CLAIM_TIMEOUT_SECONDS=4 in the e2e server), not at
  // the end of the 25 s wait: measured from the deadline, so a slow machine does not fail it.
  expect(Date.now() - Date.parse(c.body.expiresAt)).toBeLessThan(10_000);
  expect((await d.device.poll(0)).state).toBe("waiting");
});

test("the device's owner declines (user_declined)", async () => {
  const { api } = await newParticipant();
  const d = await deviceShowingCode();
  const c = await claim(api, { sid: d.sid, pop: d.code });
  const ch = (await d.poll) as Challenge;
  let shownName = "";
  const r = await d.device.answer(ch, async (name) => ((shownName = name), false));
  expect(shownName).toBe("Pat Participant");
  expect(r.state).toBe("waiting");
  expect((await claimState(api, c.body.claimId)).body).toMatchObject({ state: "failed", reason: "user_declined" });
});

test("signed requests: replayed nonce, stale timestamp, tampered body, unknown credential; answers carry a response MAC", async () => {
  const { api } = await newParticipant();
  const { credential } = await claimDevice(api);
  const path = "/api/v1/devices/me/measurements";
  const body = JSON.stringify({
    measurements: [{ property: "co2", unit: "ppm", time: Math.floor(Date.now() / 1000) - 5, value: 640 }],
  });

  const ok = await signedRaw(credential, "POST", path, body, { nonce: "cmVwbGF5ZWQtbm9uY2UtMTIzNDU2" });
  expect(ok.status).toBe(200);
  expect(ok.macOk).toBe(true);
  const replay = await signedRaw(credential, "POST", path, body, { nonce: "cmVwbGF5ZWQtbm9uY2UtMTIzNDU2" });
  expect([replay.status, replay.json.code, replay.macOk]).toEqual([401, "replayed_nonce", true]);
  expect(replay.headers.get("www-authenticate")).toBe('Claimlink-HMAC error="replayed_nonce"');

  const stale = await signedRaw(credential, "POST", path, body, { ts: Math.floor(Date.now() / 1000) - 301 });
  expect([stale.status, stale.json.code, stale.macOk]).toEqual([401, "stale_timestamp", true]);
  expect(Math.abs(Date.parse(stale.headers.get("date")!) - Date.now())).toBeLessThan(5000);

  const tampered = await signedRaw(credential, "POST", path, body, { sendBody: body.replace("640", "9999") });
  expect([tampered.status, tampered.json.code, tampered.macOk]).toEqual([401, "bad_signature", true]);

  const unknown = await signedRaw({ ...credential, credentialId: "crd_AAAAAAAAAAAAAAAA" }, "GET", "/api/v1/devices/me");
  expect([unknown.status, unknown.json.code]).toEqual([401, "unknown_credential"]);
  expect(unknown.headers.get("claimlink-response-mac")).toBeNull();

  const garbage = await raw("GET", "/api/v1/devices/me", { headers: { authorization: "Claimlink-HMAC nonsense" } });
  expect([garbage.status, garbage.json.code]).toEqual([401, "bad_signature"]);
});

// 1.1: the clock is set from the authenticated serverTime of the refusal, never from Date alone.
test("a device whose clock drifted sets it from the refusal's authenticated serverTime and carries on", async () => {
  const { api } = await newParticipant();
  const { device } = await claimDevice(api);
  const logs: string[] = [];
  (device.opts as { log?: (l: string) => void }).log = (l) => logs.push(l);
  device.skewClock(-3600);
  const me = await device.signed("GET", "/api/v1/devices/me");
  expect(me.status).toBe(200);
  expect(logs.join("\n")).toContain("Clock set from the server's authenticated answer");
});

test("measurements: duplicates are not errors, bad items cost only themselves, limits are enforced", async () => {
  const { api } = await newParticipant();
  const { device, credential } = await claimDevice(api);
  const t = Math.floor(Date.now() / 1000) - 60;
  const batch = [
    { property: "temperature", unit: "Cel", time: t, value: 20.1 },
    { property: "temperature", unit: "Cel", time: t, value: 20.1 }, // same key in one batch
    { property: "relative_humidity", unit: "%", time: new Date(t * 1000).toISOString(), value: 51 },
    { property: "Temperature", time: t, value: 1 },
    { property: "temperature", time: "yesterday", value: 1 },
    { property: "temperature", time: t + 7200, value: 1 },
    { property: "temperature", time: t + 1, value: "hot" },
    { property: "temperature", time: t + 2, value: 1, colour: "red" },
    { property: "temperature", unit: "x".repeat(17), time: t + 3, value: 1 },
    "not an object",
  ];
  const first = await device.signed("POST", "/api/v1/devices/me/measurements", JSON.stringify({ measurements: batch }));
  expect(first.body).toEqual({
    accepted: 2,
    duplicates: 1,
    rejected: [
      { index: 3, code: "invalid_property" },
      { index: 4, code: "invalid_time" },
      { index: 5, code: "invalid_time" },
      { index: 6, code: "invalid_value" },
      { index: 7, code: "unknown_field" },
      { index: 8, code: "invalid_unit" },
      { index: 9, code: "invalid_item" },
    ],
  });
  const resent = await device.signed(
    "POST",
    "/api/v1/devices/me/measurements",
    JSON.stringify({ measurements: batch.slice(0, 3) }),
  );
  expect(resent.body).toEqual({ accepted: 0, duplicates: 3, rejected: [] });

  const tooMany = Array.from({ length: 1001 }, (_, i) => ({ property: "p", time: t - i, value: i }));
  const many = await device.signed(
    "POST",
    "/api/v1/devices/me/measurements",
    JSON.stringify({ measurements: tooMany }),
  );
  expect([many.status, (many.body as { code: string }).code]).toEqual([400, "invalid_request"]);
  const big = JSON.stringify({ measurements: [{ property: "p", time: t, value: 1, pad: "x".repeat(270_000) }] });
  const huge = await signedRaw(credential, "POST", "/api/v1/devices/me/measurements", big);
  expect([huge.status, huge.json.code, huge.macOk]).toEqual([413, "payload_too_large", true]);
  const notJson = await device.signed("POST", "/api/v1/devices/me/measurements", "{nope");
  expect([notJson.status, (notJson.body as { code: string }).code]).toEqual([400, "invalid_request"]);
  const wrongShape = await device.signed(
    "POST",
    "/api/v1/devices/me/measurements",
    JSON.stringify({ measurements: [], extra: 1 }),
  );
  expect(wrongShape.status).toBe(400);
});

test("re-provisioning by the owner keeps the device id; the old credential is revoked", async () => {
  const { api } = await newParticipant();
  const first = await claimDevice(api);
  const oldCredential = { ...first.credential };
  const again = await claimDevice(api, {}, { device: first.device, signed: true });
  expect(again.deviceId).toBe(first.deviceId);
  expect(again.credential.credentialId).not.toBe(oldCredential.credentialId);
  const refused = await signedRaw(oldCredential, "GET", "/api/v1/devices/me");
  expect([refused.status, refused.json.code, refused.macOk]).toEqual([401, "credential_revoked", true]);
  expect((await again.device.signed("GET", "/api/v1/devices/me")).status).toBe(200);
});

test("re-provisioning claimed by another account: device_owned_by_other, until the owner releases it", async () => {
  const owner = await newParticipant("owner");
  const first = await claimDevice(owner.api);
  const other = await newParticipant("newowner");
  const d = await deviceShowingCode({ device: first.device, signed: true });
  const refused = await claim(other.api, { sid: d.sid, pop: d.code });
  expect([refused.status, refused.body.code]).toEqual([409, "device_owned_by_other"]);

  expect((await owner.api.post(`/api/v1/devices/${first.deviceId}/release`)).status()).toBe(204);
  const c = await claim(other.api, { sid: d.sid, pop: d.code });
  expect(c.status).toBe(202);
  await d.device.answer((await d.poll) as Challenge);
  const done = await claimState(other.api, c.body.claimId);
  expect(done.body.state).toBe("claimed");
  expect(done.body.deviceId).not.toBe(first.deviceId); // a new record; the old owner keeps the old history
});

test("hardware replacement: a new board claimed with `replaces` keeps the id and name; only the owner may replace", async () => {
  const { api } = await newParticipant();
  const old = await claimDevice(api);
  const stranger = await newParticipant("stranger");
  const d1 = await deviceShowingCode();
  const notMine = await claim(stranger.api, { sid: d1.sid, pop: d1.code, replaces: old.deviceId });
  expect([notMine.status, notMine.body.code]).toEqual([403, "not_owner"]);

  const replacement = await claimDevice(api, { replaces: old.deviceId });
  expect(replacement.deviceId).toBe(old.deviceId);
  expect(replacement.credential.name).toBe(old.credential.name);
  const refused = await signedRaw(old.credential, "GET", "/api/v1/devices/me");
  expect(refused.json.code).toBe("credential_revoked");
});

test("quota: a new device past the account's limit is refused (quota_exceeded)", async () => {
  const { api } = await newParticipant("quota");
  for (let i = 0; i < 3; i++) await claimDevice(api); // CLAIMLINK_DEVICES_PER_ACCOUNT=3 in the e2e server
  const d = await deviceShowingCode();
  const r = await claim(api, { sid: d.sid, pop: d.code });
  expect([r.status, r.body.code]).toEqual([403, "quota_exceeded"]);
});

test("commands: staff queues, the device reads and acknowledges; staff revokes a lost device at once", async () => {
  const { api } = await newParticipant();
  const { device, deviceId } = await claimDevice(api);
  const staff = await staffApi();
  const q = await staff.post(`/api/v1/staff/devices/${deviceId}/commands`, {
    data: { type: "set_config", params: { measurementIntervalSeconds: 120 } },
  });
  expect(q.status()).toBe(201);
  const cmd = await q.json();
  const me = await device.signed("GET", "/api/v1/devices/me");
  expect(me.body).toMatchObject({
    config: { measurementIntervalSeconds: 120 },
    commands: [{ id: cmd.id, type: "set_config", params: { measurementIntervalSeconds: 120 } }],
  });
  const ack = await device.signed("POST", `/api/v1/devices/me/commands/${cmd.id}`, JSON.stringify({ status: "done" }));
  expect(ack).toMatchObject({ status: 200, body: { id: cmd.id, status: "done" } });
  expect(((await device.signed("GET", "/api/v1/devices/me")).body as { commands: unknown[] }).commands).toEqual([]);
  const unknown = await device.signed(
    "POST",
    "/api/v1/devices/me/commands/cmd_AAAAAAAAAAAAAAAA",
    JSON.stringify({ status: "done" }),
  );
  expect([unknown.status, (unknown.body as { code: string }).code]).toEqual([404, "command_not_found"]);

  expect((await api.post(`/api/v1/staff/devices/${deviceId}/revoke`)).status()).toBe(403); // participants may not
  expect((await staff.post(`/api/v1/staff/devices/${deviceId}/revoke`)).status()).toBe(200);
  const after = await device.signed("GET", "/api/v1/devices/me");
  expect([after.status, (after.body as { code: string }).code]).toEqual([401, "credential_revoked"]);
});

test("bad input on every endpoint: 4xx problem+json, and nothing changes", async () => {
  const { api } = await newParticipant();
  const expectProblem = async (
    res: { status: number; headers: Headers | Record<string, string>; json?: unknown },
    status: number,
  ) => {
    expect(res.status).toBe(status);
    const type = res.headers instanceof Headers ? res.headers.get("content-type") : res.headers["content-type"];
    expect(type).toContain("application/problem+json");
  };
  // Starting a session
  for (const body of [
    "{oops",
    JSON.stringify({ model: "Bad Model", firmware: "1" }),
    JSON.stringify({ model: "m", firmware: "1", x: 1 }),
    JSON.stringify({ model: 5 }),
    JSON.stringify({ model: "m", firmware: "f".repeat(65) }),
  ]) {
    await expectProblem(
      await raw("POST", "/api/v1/provisioning/sessions", { headers: { "content-type": "application/json" }, body }),
      400,
    );
  }
  await expectProblem(
    await raw("POST", "/api/v1/provisioning/sessions", {
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", firmware: "x".repeat(20_000) }),
    }),
    413,
  );
  await expectProblem(
    await raw("POST", "/api/v1/provisioning/sessions", { headers: { "content-type": "text/plain" }, body: "{}" }),
    415,
  );

  // Polling and answering
  const d = await deviceShowingCode();
  const auth = { authorization: `Bearer ${d.device.session!.sessionToken}`, "content-type": "application/json" };
  await expectProblem(await raw("GET", `/api/v1/provisioning/sessions/${d.sid}?wait=31`, { headers: auth }), 400);
  await expectProblem(
    await raw("GET", `/api/v1/provisioning/sessions/${d.sid}`, { headers: { authorization: "Bearer wrong" } }),
    401,
  );
  await expectProblem(
    await raw("GET", `/api/v1/provisioning/sessions/AAAAAAAAAAAAAAAAAAAAAAAAAA`, { headers: auth }),
    404,
  );
  const c = await claim(api, { sid: d.sid, pop: d.code });
  const ch = (await d.poll) as Challenge;
  const answerPath = `/api/v1/provisioning/sessions/${d.sid}/claims/${ch.claimId}`;
  for (const body of [
    "{oops",
    JSON.stringify({ accept: "yes" }),
    JSON.stringify({ accept: true, deviceNonce: "x", deviceProof: "y" }),
    JSON.stringify({ accept: false, reason: "bored" }),
    JSON.stringify({ accept: false, reason: "user_declined", extra: 1 }),
  ]) {
    await expectProblem(await raw("POST", answerPath, { headers: auth, body }), 400);
  }
  await expectProblem(
    await raw("POST", answerPath, {
      headers: auth,
      body: JSON.stringify({ accept: true, deviceNonce: "A".repeat(22), deviceProof: "B".repeat(43) }),
    }),
    403,
  );
  expect((await claimState(api, c.body.claimId)).body).toMatchObject({ state: "failed", reason: "pop_mismatch" }); // a wrong proof ends the claim

  // Claims
  for (const data of [
    { sid: d.sid },
    { sid: "short", pop: d.code },
    { sid: d.sid, pop: "!".repeat(26) },
    { sid: d.sid, pop: d.code, extra: true },
    { sid: d.sid, pop: d.code, replaces: "nope" },
  ]) {
    const r = await api.post("/api/v1/claims", { data });
    expect(r.status()).toBe(400);
    expect((await r.json()).code).toBe("invalid_request");
  }
  const notJson = await api.post("/api/v1/claims", {
    headers: { "content-type": "application/json" },
    data: Buffer.from("{oops"),
  });
  expect(notJson.status()).toBe(400);
  const huge = await api.post("/api/v1/claims", { data: { sid: d.sid, pop: d.code, pad: "x".repeat(20_000) } });
  expect(huge.status()).toBe(413);
  expect((await api.get("/api/v1/claims/clm_AAAAAAAAAAAAAAAA")).status()).toBe(404);
  expect((await api.get(`/api/v1/claims/${c.body.claimId}?wait=abc`)).status()).toBe(400);
  const anon = await raw("POST", "/api/v1/claims", {
    headers: { "content-type": "application/json", origin: new URL(BASE).origin },
    body: JSON.stringify({ sid: d.sid, pop: d.code }),
  });
  await expectProblem(anon, 401);

  // Nothing above created a device: the session still waits, and a real claim still works.
  const poll = d.device.poll(25);
  const good = await claim(api, { sid: d.sid, pop: d.device.codeAt(0) });
  expect(good.status).toBe(202);
  expect((await d.device.answer((await poll) as Challenge)).state).toBe("claimed");
});

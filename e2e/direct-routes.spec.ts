import http from "node:http";
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import postgres from "postgres";
import { DeviceClient, type Challenge } from "../device/client";
import { pinKey, randomB64u, verifyServerSignature, type PinnedKey } from "../device/protocol";
import { SECURITY_HEADERS } from "../scripts/security-headers.mjs";
import { BASE as APP, claim, claimState, deviceShowingCode, newParticipant } from "./api";
import { createAccountWithCli, STAFF, uniqueEmail } from "./helpers";
import { call, SignInClient, type Answer } from "./net";

// The long poll and the answer to a challenge, which the app's server answers itself rather than
// through Next (scripts/api-server.mjs and the router, docs/decisions/0010 and 0011): they must answer exactly as
// every other device route does. (The claim and the claimant's wait, also answered directly,
// are at the end: as every signed-in route does.) Signed for the request's nonce, with every answer's security
// headers, refusals audited under the address the socket saw (never one the client wrote in
// X-Forwarded-For), bodies checked as strictly, and a dropped poll ended at once.

const PORT = process.env.E2E_PORT ?? "3100";
const BASE = `http://127.0.0.1:${PORT}`; // the address `call` sends from a chosen loopback address to
const loopback = () => `127.${[...randomBytes(3)].map((b) => Math.max(b, 2)).join(".")}`;
const SPOOF = "203.0.113.66";

async function pins(): Promise<PinnedKey[]> {
  const doc = (await (await fetch(`${BASE}/.well-known/claimlink`)).json()) as {
    keys: { publicKey: string; use: string }[];
  };
  return doc.keys.filter((k) => k.use !== "retired").map((k) => pinKey(k.publicKey));
}

/** A device-style request from `from`, claiming to be SPOOF in X-Forwarded-For; its answer must verify. */
async function asDevice(
  method: string,
  pathAndQuery: string,
  o: { from: string; token?: string; body?: string; type?: string },
): Promise<Answer & { json: { code?: string; state?: string } }> {
  const nonce = randomB64u(16);
  const headers: Record<string, string> = { "claimlink-nonce": nonce, "x-forwarded-for": SPOOF };
  if (o.token !== undefined) headers.authorization = `Bearer ${o.token}`;
  if (o.body !== undefined) headers["content-type"] = o.type ?? "application/json";
  const a = await call(`${BASE}${pathAndQuery}`, { method, headers, body: o.body, from: o.from });
  const v = verifyServerSignature(await pins(), String(a.headers["claimlink-signature"] ?? ""), {
    method,
    pathAndQuery,
    requestNonce: nonce,
    status: a.status,
    body: a.body,
  });
  expect(v.ok, `${method} ${pathAndQuery} ${a.status} is signed for its nonce`).toBe(true);
  for (const { key, value } of SECURITY_HEADERS) expect(a.headers[key.toLowerCase()]).toBe(value);
  expect(a.headers["cache-control"]).toBe("no-store");
  expect(a.headers["x-request-id"]).toMatch(/^req_/);
  return { ...a, json: a.body ? JSON.parse(a.body) : {} };
}

type AuditEvent = { action: string; ip: string | null; detail: { code?: string; sid?: string } | null };

async function auditEvents(): Promise<AuditEvent[]> {
  const from = loopback();
  const staff = await new SignInClient(PORT, from).attempt(STAFF.email, STAFF.password);
  expect(staff.result).toBe("ok");
  const r = await call(`${BASE}/api/v1/staff/audit?limit=500`, { from, headers: { cookie: staff.cookie! } });
  expect(r.status).toBe(200);
  return (JSON.parse(r.body) as { events: AuditEvent[] }).events;
}

test("a poll and an answer with a wrong session token: signed refusals, audited under the socket's address, not the one the client wrote", async () => {
  const device = new DeviceClient(APP, null, { model: "sim-room" });
  await device.startSession();
  const sid = device.session!.sid;
  const from = loopback();

  const poll = await asDevice("GET", `/api/v1/provisioning/sessions/${sid}?wait=5`, { from, token: "wrong" });
  expect(poll.status).toBe(401);
  expect(poll.headers["content-type"]).toMatch(/^application\/problem\+json/);
  expect(poll.json.code).toBe("invalid_session_token");
  expect(poll.ms).toBeLessThan(2000); // refused at once, not held

  const body = JSON.stringify({ accept: true, deviceNonce: randomB64u(16), deviceProof: randomB64u(32) });
  const claimPath = `/api/v1/provisioning/sessions/${sid}/claims/clm_${"A".repeat(16)}`;
  const answer = await asDevice("POST", claimPath, { from, token: "wrong", body });
  expect(answer.status).toBe(401);
  expect(answer.json.code).toBe("invalid_session_token");

  const mine = (await auditEvents()).filter((e) => e.detail?.sid === sid && e.action.endsWith("_refused"));
  expect(mine.map((e) => e.action).sort()).toEqual(["claim.answer_refused", "session.poll_refused"]);
  for (const e of mine) expect(e.ip).toBe(from);
  // The session itself is untouched: its own token still polls.
  expect((await device.poll(0)).state).toBe("waiting");
});

test("a path written another way is served by Next and answers the same", async () => {
  const device = new DeviceClient(APP, null, { model: "sim-room" });
  await device.startSession();
  const sid = device.session!.sid;
  const from = loopback();
  const escaped = `%${sid.charCodeAt(0).toString(16)}${sid.slice(1)}`; // the same sid, its first letter escaped
  const plain = await asDevice("GET", `/api/v1/provisioning/sessions/${sid}`, { from, token: "wrong" });
  const other = await asDevice("GET", `/api/v1/provisioning/sessions/${escaped}`, { from, token: "wrong" });
  expect([plain.status, plain.json.code]).toEqual([401, "invalid_session_token"]);
  expect([other.status, other.json.code]).toEqual([401, "invalid_session_token"]);
  // Methods the routes do not serve are Next's, with the same signed 405.
  const put = await asDevice("PUT", `/api/v1/provisioning/sessions/${sid}`, { from });
  expect([put.status, put.json.code]).toEqual([405, "method_not_allowed"]);
  const get = await asDevice("GET", `/api/v1/provisioning/sessions/${sid}/claims/clm_${"A".repeat(16)}`, { from });
  expect([get.status, get.json.code]).toEqual([405, "method_not_allowed"]);
});

test("answers the device route refuses by their body change nothing, and the device's real answer still claims it", async () => {
  const { api } = await newParticipant("direct");
  const d = await deviceShowingCode();
  const c = await claim(api, { sid: d.sid, pop: d.code });
  expect(c.status).toBe(202);
  const ch = (await d.poll) as Challenge;
  expect(ch.state).toBe("challenge");
  const path = `/api/v1/provisioning/sessions/${d.sid}/claims/${ch.claimId}`;
  const from = loopback();
  const token = d.device.session!.sessionToken;

  const big = await asDevice("POST", path, { from, token, body: JSON.stringify({ pad: "x".repeat(40_000) }) });
  expect([big.status, big.json.code]).toEqual([413, "payload_too_large"]);
  const text = await asDevice("POST", path, { from, token, body: "accept=true", type: "text/plain" });
  expect([text.status, text.json.code]).toEqual([415, "unsupported_media_type"]);
  const broken = await asDevice("POST", path, { from, token, body: "{" });
  expect([broken.status, broken.json.code]).toEqual([400, "invalid_request"]);
  const wrongShape = await asDevice("POST", path, { from, token, body: JSON.stringify({ accept: "yes" }) });
  expect(wrongShape.status).toBe(400);

  // None of them ended the claim: it still waits, and the device's own answer claims it.
  expect((await claimState(api, c.body.claimId, 0)).body.state).toBe("waiting_for_device");
  expect((await d.device.answer(ch)).state).toBe("claimed");
  expect((await claimState(api, c.body.claimId)).body.state).toBe("claimed");
});

test("a poll the device drops ends at once: the server stops holding it and records when it was dropped", async () => {
  const device = new DeviceClient(APP, null, { model: "sim-room" });
  await device.startSession();
  const sid = device.session!.sid;
  const req = http.request(`${BASE}/api/v1/provisioning/sessions/${sid}?wait=25`, {
    headers: { authorization: `Bearer ${device.session!.sessionToken}`, "claimlink-nonce": randomB64u(16) },
    agent: false,
  });
  req.on("error", () => {});
  req.end();
  await new Promise((r) => setTimeout(r, 500)); // the poll is held
  req.destroy();
  await new Promise((r) => setTimeout(r, 500));
  // On PostgreSQL the test reads the session: the poll ended when it was dropped, not at its
  // deadline 25 s away (which would keep the device "online" long after it went).
  if (process.env.DATABASE_URL) {
    const sql = postgres(process.env.DATABASE_URL, { max: 1 });
    try {
      const [row] = await sql<{ ahead: number }[]>`
        select extract(epoch from (last_poll_at - now()))::float8 as ahead from provisioning_sessions where sid = ${sid}`;
      expect(row.ahead).toBeLessThan(1);
    } finally {
      await sql.end();
    }
  }
  // The device's next poll is answered at once, as the only open poll of its session.
  const started = Date.now();
  expect((await device.poll(0)).state).toBe("waiting");
  expect(Date.now() - started).toBeLessThan(2000);
});

test("the claim and the claimant's wait, answered by the server itself: the session cookie, same-origin and body checks of every signed-in route, and the same answers as Next", async () => {
  const { email, password } = createAccountWithCli(uniqueEmail("direct-claim"), "participant");
  const other = createAccountWithCli(uniqueEmail("direct-other"), "participant");
  const from = loopback();
  const cookie = (await new SignInClient(PORT, from).attempt(email, password)).cookie!;
  const otherCookie = (await new SignInClient(PORT, from).attempt(other.email, other.password)).cookie!;
  const origin = new URL(APP).origin;
  const d = await deviceShowingCode();
  const claimBody = JSON.stringify({ sid: d.sid, pop: d.code });
  const post = async (headers: Record<string, string>, body: string) => {
    const a = await call(`${BASE}/api/v1/claims`, {
      method: "POST",
      from,
      headers: { "content-type": "application/json", ...headers },
      body,
    });
    for (const { key, value } of SECURITY_HEADERS) expect(a.headers[key.toLowerCase()]).toBe(value);
    expect(a.headers["cache-control"]).toBe("no-store");
    expect(a.headers["x-request-id"]).toMatch(/^req_/);
    return {
      status: a.status,
      code: a.body ? (JSON.parse(a.body) as { code?: string }).code : undefined,
      body: a.body,
    };
  };

  // Refusals: no session, a session sent from another site, a revoked-looking cookie, a body that is no claim.
  expect(await post({ origin }, claimBody)).toMatchObject({ status: 401, code: "unauthenticated" });
  expect(await post({ cookie, origin: "https://attacker.example" }, claimBody)).toMatchObject({
    status: 403,
    code: "csrf_failed",
  });
  expect(await post({ cookie, "sec-fetch-site": "cross-site" }, claimBody)).toMatchObject({
    status: 403,
    code: "csrf_failed",
  });
  expect(await post({ cookie: "authjs.session-token=" + "A".repeat(43), origin }, claimBody)).toMatchObject({
    status: 401,
    code: "unauthenticated",
  });
  expect(await post({ cookie, origin }, "{")).toMatchObject({ status: 400, code: "invalid_request" });
  // The cross-site attempts are audited as refused access, under the socket's address and with the account.
  const refused = (await auditEvents()).filter((e) => e.action === "access.refused" && e.ip === from);
  expect(refused).toHaveLength(2);

  // None of them claimed the device; the real claim does, and its wait answers the same served
  // directly and by Next (the claim id with a percent-escaped first letter).
  const made = await post({ cookie, origin }, claimBody);
  expect(made.status).toBe(202);
  const { claimId } = JSON.parse(made.body) as { claimId: string };
  const escaped = `%${claimId.charCodeAt(0).toString(16)}${claimId.slice(1)}`;
  const wait = (id: string, c?: string) =>
    call(`${BASE}/api/v1/claims/${id}?wait=0`, { from, headers: c ? { cookie: c } : {} });
  const [direct, viaNext] = [await wait(claimId, cookie), await wait(escaped, cookie)];
  expect([direct.status, viaNext.status]).toEqual([200, 200]);
  expect(JSON.parse(direct.body)).toEqual(JSON.parse(viaNext.body));
  expect(JSON.parse(direct.body).state).toBe("waiting_for_device");
  for (const id of [claimId, escaped]) {
    const anon = await wait(id);
    expect([anon.status, JSON.parse(anon.body).code], `${id} without a session`).toEqual([401, "unauthenticated"]);
    const theirs = await wait(id, otherCookie);
    expect([theirs.status, JSON.parse(theirs.body).code], `${id} by another account`).toEqual([404, "claim_not_found"]);
  }
  // Paths the server does not take stay Next's: the preview route's other methods, other methods here.
  expect((await call(`${BASE}/api/v1/claims/preview`, { from, headers: { cookie } })).status).toBe(405);
  expect((await call(`${BASE}/api/v1/claims`, { from, headers: { cookie } })).status).toBe(405);
  // The device answers, and the claimant's wait (served directly) sees it claimed.
  const ch = (await d.poll) as Challenge;
  expect((await d.device.answer(ch)).state).toBe("claimed");
  expect(JSON.parse((await wait(claimId, cookie)).body).state).toBe("claimed");
});

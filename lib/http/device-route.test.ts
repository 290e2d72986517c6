import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { authorizationHeader, expectedResponseMac } from "../../device/protocol";
import { handleApiRequest } from "../api/router";
import { appDatabase, type Database } from "../db/client";
import { auditEvents, deviceCredentials } from "../db/schema";
import { seal } from "../crypto/seal";
import { provisioningConfig } from "../provisioning/config";
import { startSession } from "../provisioning/start-session";
import { claimTestDevice, insertAccount } from "../provisioning/test-fixtures";

// The device route wrappers at work, on the app's own database (PGlite in e2e/.tmp/unit-data, or
// DATABASE_URL). That a device request loads no auth code is device-route-graph.test.ts.

let database: Database;
const cfg = () => ({ ...provisioningConfig(), claimsPerHour: 100_000, sessionStartsPerMinute: 100_000 });
const BASE = "http://localhost";

beforeAll(async () => {
  database = await appDatabase();
});
afterAll(async () => {
  await database.close();
  delete (globalThis as Record<symbol, unknown>)[Symbol.for("claimlink.database")];
});

/** A caller address no earlier run used, so the refusal cap (20 per caller in 10 min) never hides an event. */
const freshIp = () => `2001:db8:${randomBytes(6).toString("hex").match(/.{4}/g)!.join(":")}::1`;

/** A request through the /api/v1 router (lib/api), which serves the route `_route` names. */
async function call(
  _route: string,
  method: string,
  urlPath: string,
  init: { headers?: Record<string, string>; body?: string; params?: Record<string, string> } = {},
) {
  const ip = init.headers?.["x-forwarded-for"] ?? freshIp();
  const req = new Request(`${BASE}${urlPath}`, {
    method,
    headers: { "x-forwarded-for": ip, ...init.headers },
    body: init.body,
  });
  const res = await handleApiRequest(req);
  const text = await res.text();
  return { res, text, ip, body: text ? JSON.parse(text) : null };
}

const auditFrom = (ip: string, action: string) =>
  database.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.ip, ip), eq(auditEvents.action, action)));

describe("deviceRoute (signed device API)", () => {
  it("refuses an unsigned request with 401 bad_signature problem+json and WWW-Authenticate, and audits it", async () => {
    const { res, body, ip } = await call("api/v1/devices/me", "GET", "/api/v1/devices/me");
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.headers.get("www-authenticate")).toBe('Claimlink-HMAC error="bad_signature"');
    expect(res.headers.get("claimlink-response-mac")).toBeNull(); // no credential, nothing to MAC with
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(body).toMatchObject({ status: 401, code: "bad_signature", requestId: res.headers.get("x-request-id") });
    const [event] = await auditFrom(ip, "device.request_refused");
    expect(event).toMatchObject({
      outcome: "failure",
      actorLabel: "device",
      detail: { code: "bad_signature", method: "GET", path: "/api/v1/devices/me", credentialId: null },
    });
  });

  it("answers a signed request with 200 and a Claimlink-Response-MAC over the exact bytes", async () => {
    const owner = await insertAccount(database.db, "route");
    const dev = await claimTestDevice(database, cfg(), owner);
    const p = "/api/v1/devices/me";
    const { header, nonce } = authorizationHeader(
      dev.credentialId,
      dev.secret,
      "GET",
      p,
      Math.floor(Date.now() / 1000),
      "",
    );
    const { res, text, body } = await call("api/v1/devices/me", "GET", p, { headers: { authorization: header } });
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ deviceId: dev.deviceId, name: dev.name, commands: [] });
    expect(res.headers.get("claimlink-response-mac")).toBe(expectedResponseMac(dev.secret, nonce, 200, text));
    expect(res.headers.get("date")).toBeTruthy();
  });

  it("answers a revoked credential's report and poll with credential_revoked, MACed with its secret, kept or not", async () => {
    const owner = await insertAccount(database.db, "route");
    const dev = await claimTestDevice(database, cfg(), owner);
    const signed = (method: string, p: string, payload = "") => {
      const { header, nonce } = authorizationHeader(
        dev.credentialId,
        dev.secret,
        method,
        p,
        Math.floor(Date.now() / 1000),
        payload,
      );
      return call("", method, p, {
        headers: { authorization: header, "content-type": "application/json" },
        body: payload || undefined,
      }).then((r) => ({ ...r, nonce }));
    };
    const report = (t: number) =>
      JSON.stringify({ measurements: [{ property: "temperature", time: 1768478340 + t, value: 20 }] });
    // Both routes seen once while the credential is good (this process keeps it), then revoked.
    expect((await signed("POST", "/api/v1/devices/me/measurements", report(0))).res.status).toBe(200);
    expect((await signed("GET", "/api/v1/devices/me")).res.status).toBe(200);
    await database.db
      .update(deviceCredentials)
      .set({ revokedAt: new Date() })
      .where(eq(deviceCredentials.id, dev.credentialId));
    for (const [method, p, payload] of [
      ["POST", "/api/v1/devices/me/measurements", report(1)],
      ["GET", "/api/v1/devices/me", ""],
      ["POST", "/api/v1/devices/me/measurements", report(2)],
    ] as const) {
      const r = await signed(method, p, payload);
      expect(r.res.status, `${method} ${p}`).toBe(401);
      expect(r.body.code, `${method} ${p}`).toBe("credential_revoked");
      expect(r.res.headers.get("claimlink-response-mac"), `${method} ${p}`).toBe(
        expectedResponseMac(dev.secret, r.nonce, 401, r.text),
      );
    }
  });

  it("refuses the same signed request replayed (replayed_nonce), still MACed, audited with the credential", async () => {
    const owner = await insertAccount(database.db, "route");
    const dev = await claimTestDevice(database, cfg(), owner);
    const p = "/api/v1/devices/me/measurements";
    const payload = JSON.stringify({ measurements: [{ property: "temperature", time: 1768478340, value: 20 }] });
    const { header, nonce } = authorizationHeader(
      dev.credentialId,
      dev.secret,
      "POST",
      p,
      Math.floor(Date.now() / 1000),
      payload,
    );
    const send = () =>
      call("api/v1/devices/me/measurements", "POST", p, {
        headers: { authorization: header, "content-type": "application/json" },
        body: payload,
      });
    const first = await send();
    expect(first.res.status).toBe(200);
    expect(first.body).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    const again = await send();
    expect(again.res.status).toBe(401);
    expect(again.body.code).toBe("replayed_nonce");
    expect(again.res.headers.get("claimlink-response-mac")).toBe(
      expectedResponseMac(dev.secret, nonce, 401, again.text),
    );
    const [event] = await auditFrom(again.ip, "device.request_refused");
    expect(event).toMatchObject({
      subjectDeviceId: dev.deviceId,
      detail: { code: "replayed_nonce", credentialId: dev.credentialId, path: p },
    });
  });

  it("answers a credential whose sealing key is lost as credential_revoked (never a 500), signed and audited", async () => {
    const owner = await insertAccount(database.db, "route");
    const dev = await claimTestDevice(database, cfg(), owner);
    // As if sealed by a host whose key this one does not have.
    await database.db
      .update(deviceCredentials)
      .set({ secretSealed: seal(randomBytes(32), dev.secret, dev.credentialId) })
      .where(eq(deviceCredentials.id, dev.credentialId));
    const p = "/api/v1/devices/me";
    const { header } = authorizationHeader(dev.credentialId, dev.secret, "GET", p, Math.floor(Date.now() / 1000), "");
    const { res, body, ip } = await call("api/v1/devices/me", "GET", p, { headers: { authorization: header } });
    expect(res.status).toBe(401);
    expect(body.code).toBe("credential_revoked");
    expect(res.headers.get("claimlink-signature")).toBeTruthy();
    expect(res.headers.get("claimlink-response-mac")).toBeNull(); // the secret is not available to MAC with
    const [event] = await auditFrom(ip, "device.request_refused");
    expect(event).toMatchObject({
      subjectDeviceId: dev.deviceId,
      detail: { code: "credential_revoked", credentialId: dev.credentialId, unopenable: true },
    });
  });

  it("limits measurement batches per device: 429 with Retry-After, signed and MACed", async () => {
    const owner = await insertAccount(database.db, "route");
    const dev = await claimTestDevice(database, cfg(), owner);
    const perMinute = provisioningConfig().measurementBatchesPerMinute;
    expect(perMinute).toBe(60);
    // As if this minute's batches were all sent already.
    await database.db.execute(
      sql`insert into rate_limits (key, window_started_at, count) values (${`ingest:device:${dev.deviceId}`}, now(), ${perMinute})`,
    );
    const p = "/api/v1/devices/me/measurements";
    const payload = JSON.stringify({ measurements: [{ property: "temperature", time: 1768478340, value: 20 }] });
    const { header, nonce } = authorizationHeader(
      dev.credentialId,
      dev.secret,
      "POST",
      p,
      Math.floor(Date.now() / 1000),
      payload,
    );
    const { res, text, body } = await call("api/v1/devices/me/measurements", "POST", p, {
      headers: { authorization: header, "content-type": "application/json" },
      body: payload,
    });
    expect(res.status).toBe(429);
    expect(body.code).toBe("rate_limited");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(res.headers.get("claimlink-signature")).toBeTruthy();
    expect(res.headers.get("claimlink-response-mac")).toBe(expectedResponseMac(dev.secret, nonce, 429, text));
  });

  it("refuses a body signed for another path (bad_signature): the signature covers the path", async () => {
    const owner = await insertAccount(database.db, "route");
    const dev = await claimTestDevice(database, cfg(), owner);
    const { header } = authorizationHeader(
      dev.credentialId,
      dev.secret,
      "GET",
      "/api/v1/devices/me?x=1",
      Math.floor(Date.now() / 1000),
      "",
    );
    const { res, body } = await call("api/v1/devices/me", "GET", "/api/v1/devices/me", {
      headers: { authorization: header },
    });
    expect(res.status).toBe(401);
    expect(body.code).toBe("bad_signature");
  });
});

describe("the refusal cap of the device API", () => {
  it("counts unknown credential ids against the caller's address: random ids cannot flood the audit log", async () => {
    const ip = freshIp();
    const p = "/api/v1/devices/me";
    for (let i = 0; i < 25; i++) {
      const credentialId = `crd_${randomBytes(10).toString("hex").toUpperCase()}`;
      const { header } = authorizationHeader(
        credentialId,
        randomBytes(32),
        "GET",
        p,
        Math.floor(Date.now() / 1000),
        "",
      );
      const { res, body } = await call("api/v1/devices/me", "GET", p, {
        headers: { authorization: header, "x-forwarded-for": ip },
      });
      expect(res.status).toBe(401);
      expect(body.code).toBe("unknown_credential");
    }
    expect(await auditFrom(ip, "device.request_refused")).toHaveLength(20);
  });
});

describe("provisioningRoute (unsigned provisioning calls)", () => {
  async function session() {
    return startSession(database.db, cfg(), { model: "coreink-heat", firmware: "1.0" }, { ip: freshIp() });
  }

  it("a poll with a wrong session token is 401 invalid_session_token, audited as session.poll_refused with the sid", async () => {
    const s = await session();
    const { res, body, ip } = await call(
      "api/v1/provisioning/sessions/[sid]",
      "GET",
      `/api/v1/provisioning/sessions/${s.sid}`,
      {
        headers: { authorization: `Bearer ${randomBytes(32).toString("base64url")}` },
        params: { sid: s.sid },
      },
    );
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.headers.get("www-authenticate")).toBe('Claimlink-HMAC error="invalid_session_token"');
    expect(body.code).toBe("invalid_session_token");
    const [event] = await auditFrom(ip, "session.poll_refused");
    expect(event.detail).toEqual({
      code: "invalid_session_token",
      method: "GET",
      path: `/api/v1/provisioning/sessions/${s.sid}`,
      sid: s.sid,
    });
  });

  it("a poll with the right token answers the session's state", async () => {
    const s = await session();
    const { res, body } = await call(
      "api/v1/provisioning/sessions/[sid]",
      "GET",
      `/api/v1/provisioning/sessions/${s.sid}`,
      {
        headers: { authorization: `Bearer ${s.sessionToken}` },
        params: { sid: s.sid },
      },
    );
    expect(res.status).toBe(200);
    expect(body.state).toBe("waiting");
  });

  it("an answer with invalid input is 400, audited as claim.answer_refused with the sid", async () => {
    const s = await session();
    const claimId = "clm_AAAAAAAAAAAAAAAA";
    const urlPath = `/api/v1/provisioning/sessions/${s.sid}/claims/${claimId}`;
    const { res, body, ip } = await call("api/v1/provisioning/sessions/[sid]/claims/[claimId]", "POST", urlPath, {
      headers: { authorization: `Bearer ${s.sessionToken}`, "content-type": "application/json" },
      body: JSON.stringify({ accept: true, deviceNonce: "short" }),
      params: { sid: s.sid, claimId },
    });
    expect(res.status).toBe(400);
    expect(body.code).toBe("invalid_request");
    expect(body.errors.length).toBeGreaterThan(0);
    const [event] = await auditFrom(ip, "claim.answer_refused");
    expect(event.detail).toMatchObject({ code: "invalid_request", method: "POST", path: urlPath, sid: s.sid });
  });

  it("a session start in another media type is 415, and an oversized one 413, both audited", async () => {
    const a = await call("api/v1/provisioning/sessions", "POST", "/api/v1/provisioning/sessions", {
      headers: { "content-type": "text/plain" },
      body: "{}",
    });
    expect(a.res.status).toBe(415);
    const b = await call("api/v1/provisioning/sessions", "POST", "/api/v1/provisioning/sessions", {
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", firmware: "x".repeat(20_000) }),
    });
    expect(b.res.status).toBe(413);
    expect((await auditFrom(a.ip, "session.start_refused"))[0].detail).toMatchObject({
      code: "unsupported_media_type",
    });
    expect((await auditFrom(b.ip, "session.start_refused"))[0].detail).toMatchObject({ code: "payload_too_large" });
  });

  it("an unsigned session start answers 201 with the session", async () => {
    const { res, body } = await call("api/v1/provisioning/sessions", "POST", "/api/v1/provisioning/sessions", {
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "coreink-heat", firmware: "1.0" }),
    });
    expect(res.status).toBe(201);
    expect(body.sid).toMatch(/^[A-Z2-7]{26}$/);
    const rows = await database.db.execute(sql`select 1 from provisioning_sessions where sid = ${body.sid}`);
    expect(JSON.stringify(rows)).toContain("1");
  });
});

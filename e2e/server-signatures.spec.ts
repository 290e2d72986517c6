import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { DeviceClient, UntrustedAnswer, type Challenge } from "../device/client";
import { authorizationHeader, pinKey, randomB64u, verifyServerSignature } from "../device/protocol";
import { BASE, claim, claimDevice, claimState, deviceShowingCode, newParticipant } from "./api";
import { startMitm, type Rewrite } from "./mitm";

// docs/protocol.md 1.1 over HTTP: every answer to a device is signed with the published key and
// bound to the request's nonce, so a device that verifies no TLS still refuses what a machine
// in the middle rewrites or forges.

type Published = {
  protocol: string;
  claimUrl: string;
  keys: { kid: string; alg: string; publicKey: string; use: string }[];
};

async function published(): Promise<Published> {
  const r = await fetch(`${BASE}/.well-known/claimlink`);
  expect(r.status).toBe(200);
  return r.json();
}

async function pins(): Promise<string[]> {
  return (await published()).keys.filter((k) => k.use !== "retired").map((k) => k.publicKey);
}

/** Sends a request as a device would and checks the answer's signature with the published keys. */
async function signedAnswer(
  method: string,
  pathAndQuery: string,
  o: { headers?: Record<string, string>; body?: string; nonce?: string | null } = {},
) {
  const nonce = o.nonce === undefined ? randomB64u(16) : o.nonce;
  const headers: Record<string, string> = { ...(nonce ? { "claimlink-nonce": nonce } : {}), ...o.headers };
  const r = await fetch(`${BASE}${pathAndQuery}`, { method, headers, body: o.body });
  const body = await r.text();
  const keys = (await pins()).map(pinKey);
  const requestNonce =
    nonce && /^[A-Za-z0-9_-]{22,64}$/.test(nonce)
      ? nonce
      : (/nonce="([^"]+)"/.exec(o.headers?.authorization ?? "")?.[1] ?? "-");
  const check = (n: string) =>
    verifyServerSignature(keys, r.headers.get("claimlink-signature"), {
      method,
      pathAndQuery,
      requestNonce: n,
      status: r.status,
      body,
    }).ok;
  return { status: r.status, body, json: body ? JSON.parse(body) : null, verifies: check(requestNonce), check };
}

test("/.well-known/claimlink publishes the protocol version, the claim URL and the current key", async () => {
  const doc = await published();
  expect(doc.protocol).toBe("1.1");
  expect(doc.claimUrl).toBe(`${new URL(BASE).origin}/claim`);
  expect(doc.keys.filter((k) => k.use === "current")).toHaveLength(1);
  for (const k of doc.keys) {
    expect(k.alg).toBe("ES256");
    expect(Buffer.from(k.publicKey, "base64url")).toHaveLength(65);
    expect(pinKey(k.publicKey).kid).toBe(k.kid);
  }
  expect(JSON.stringify(doc)).not.toMatch(/"d"|private/i);
});

test("every device-facing answer, success or refusal, is signed for the request's nonce; replayed for another nonce it fails", async () => {
  const { api } = await newParticipant("sig");
  const { device } = await claimDevice(api);
  const cred = device.credential!;
  const secret = Buffer.from(cred.secretHex, "hex");
  const signedHeaders = (method: string, p: string, body = "") =>
    authorizationHeader(cred.credentialId, secret, method, p, Math.floor(Date.now() / 1000), body);
  const json = { "content-type": "application/json" };
  const start = await signedAnswer("POST", "/api/v1/provisioning/sessions", {
    headers: json,
    body: JSON.stringify({ model: "sig-room", firmware: "1.1.0" }),
  });
  expect(start.status).toBe(201);
  const { sid, sessionToken } = start.json;
  const measurement = JSON.stringify({
    measurements: [{ property: "temperature", time: Math.floor(Date.now() / 1000), value: 20 }],
  });
  const m = signedHeaders("POST", "/api/v1/devices/me/measurements", measurement);
  const me = signedHeaders("GET", "/api/v1/devices/me");
  const cases: [string, Promise<Awaited<ReturnType<typeof signedAnswer>>>, number][] = [
    ["session start", Promise.resolve(start), 201],
    ["bad session body", signedAnswer("POST", "/api/v1/provisioning/sessions", { headers: json, body: "{}" }), 400],
    [
      "malformed Claimlink-Nonce",
      signedAnswer("POST", "/api/v1/provisioning/sessions", { headers: json, body: "{}", nonce: "short" }),
      400,
    ],
    [
      "poll",
      signedAnswer("GET", `/api/v1/provisioning/sessions/${sid}?wait=0`, {
        headers: { authorization: `Bearer ${sessionToken}` },
      }),
      200,
    ],
    [
      "poll, wrong token",
      signedAnswer("GET", `/api/v1/provisioning/sessions/${sid}?wait=0`, { headers: { authorization: "Bearer nope" } }),
      401,
    ],
    ["poll, unknown session", signedAnswer("GET", `/api/v1/provisioning/sessions/${"A".repeat(26)}?wait=0`), 404],
    [
      "answer to an unknown claim",
      signedAnswer("POST", `/api/v1/provisioning/sessions/${sid}/claims/clm_AAAAAAAAAAAAAAAA`, {
        headers: { ...json, authorization: `Bearer ${sessionToken}` },
        body: JSON.stringify({ accept: false, reason: "pop_mismatch" }),
      }),
      404,
    ],
    [
      "signed GET /devices/me",
      signedAnswer("GET", "/api/v1/devices/me", { headers: { authorization: me.header }, nonce: null }),
      200,
    ],
    [
      "measurements",
      signedAnswer("POST", "/api/v1/devices/me/measurements", {
        headers: { ...json, authorization: m.header },
        body: measurement,
        nonce: null,
      }),
      200,
    ],
    ["unsigned /devices/me", signedAnswer("GET", "/api/v1/devices/me"), 401],
    [
      "unknown credential",
      signedAnswer("GET", "/api/v1/devices/me", {
        headers: { authorization: me.header.replace(cred.credentialId, "crd_AAAAAAAAAAAAAAAA") },
        nonce: null,
      }),
      401,
    ],
    [
      "unknown command",
      signedAnswer("POST", "/api/v1/devices/me/commands/cmd_AAAAAAAAAAAAAAAA", {
        headers: {
          ...json,
          authorization: signedHeaders("POST", "/api/v1/devices/me/commands/cmd_AAAAAAAAAAAAAAAA", '{"status":"done"}')
            .header,
        },
        body: '{"status":"done"}',
        nonce: null,
      }),
      404,
    ],
    ["no such device route", signedAnswer("GET", "/api/v1/devices/me/nothing-here"), 404],
    [
      "no such provisioning route",
      signedAnswer("POST", "/api/v1/provisioning/elsewhere", { headers: json, body: "{}" }),
      404,
    ],
    ["wrong method", signedAnswer("DELETE", "/api/v1/devices/me"), 405],
  ];
  for (const [name, pending, status] of cases) {
    const a = await pending;
    expect(a.status, name).toBe(status);
    expect(a.verifies, `${name}: signature verifies with the published key and the request's nonce`).toBe(true);
    expect(a.check(randomB64u(16)), `${name}: the same answer for another nonce does not verify`).toBe(false);
  }
});

test("a stale timestamp's refusal carries serverTime, covered by the MAC and the signature", async () => {
  const { api } = await newParticipant("stale");
  const { device } = await claimDevice(api);
  const cred = device.credential!;
  const auth = authorizationHeader(
    cred.credentialId,
    Buffer.from(cred.secretHex, "hex"),
    "GET",
    "/api/v1/devices/me",
    Math.floor(Date.now() / 1000) - 1000,
    "",
  );
  const a = await signedAnswer("GET", "/api/v1/devices/me", { headers: { authorization: auth.header }, nonce: null });
  expect(a.status).toBe(401);
  expect(a.json.code).toBe("stale_timestamp");
  expect(Math.abs(a.json.serverTime - Date.now() / 1000)).toBeLessThan(5);
  expect(a.verifies).toBe(true);
  // A device whose clock is 1000 s off sets it from that authenticated serverTime and carries on.
  const pinned = new DeviceClient(BASE, cred, { pins: await pins() });
  pinned.skewClock(-1000);
  expect((await pinned.signed("GET", "/api/v1/devices/me")).status).toBe(200);
});

test("a machine in the middle that rewrites claimUrl or step is refused by the device, pinned or not", async () => {
  const keys = await pins();
  const rewrite = (field: "claimUrl" | "step", value: unknown) =>
    startMitm(BASE, (req, res) =>
      req.path === "/api/v1/provisioning/sessions" && res.status === 201
        ? { ...res, body: JSON.stringify({ ...JSON.parse(res.body), [field]: value }) }
        : null,
    );
  for (const [field, value] of [
    ["claimUrl", "https://claimlink.example.net/claim"],
    ["step", 3600],
  ] as const) {
    const mitm = await rewrite(field, value);
    try {
      for (const p of [[], keys]) {
        const d = new DeviceClient(BASE, null, { connect: mitm.url, pins: p });
        const err = await d.startSession().catch((e) => e);
        expect(err, `${field} rewritten, ${p.length ? "pinned" : "unpinned"}`).toBeInstanceOf(UntrustedAnswer);
        expect(d.session).toBeNull();
      }
    } finally {
      await mitm.close();
    }
  }
  // Passed through untouched, the same device is happy.
  const clean = await startMitm(BASE);
  try {
    const d = new DeviceClient(BASE, null, { connect: clean.url, pins: keys });
    await d.startSession();
    expect(d.currentQr().text.startsWith(`${new URL(BASE).origin}/claim#`)).toBe(true);
  } finally {
    await clean.close();
  }
});

test("a pinned device refuses an answer replayed from another request, and a forged challenge", async () => {
  const keys = await pins();
  let recorded: { status: number; headers: Record<string, string>; body: string } | null = null;
  const mitm = await startMitm(BASE, (req, res) => {
    if (req.path === "/api/v1/provisioning/sessions" && !recorded) {
      recorded = res;
      return null;
    }
    return req.path === "/api/v1/provisioning/sessions" ? recorded : null; // replay the first answer
  });
  try {
    const first = new DeviceClient(BASE, null, { connect: mitm.url, pins: keys });
    await first.startSession();
    const second = new DeviceClient(BASE, null, { connect: mitm.url, pins: keys });
    expect(await second.startSession().catch((e) => e)).toBeInstanceOf(UntrustedAnswer);

    // A forged challenge (as if someone claimed): unsigned, so the device never answers it.
    mitm.setTamper((req) =>
      req.path.startsWith(`/api/v1/provisioning/sessions/${first.session!.sid}?`)
        ? {
            status: 200,
            headers: { "content-type": "application/json" },
            body: JSON.stringify({
              state: "challenge",
              claimId: "clm_AAAAAAAAAAAAAAAA",
              nonce: "x",
              serverProof: "y",
              account: { displayName: "Mallory" },
              expiresAt: "2026-11-24T00:00:00Z",
            }),
          }
        : null,
    );
    expect(await first.poll(0).catch((e) => e)).toBeInstanceOf(UntrustedAnswer);
  } finally {
    await mitm.close();
  }
});

test("a wrong-code flood by one account does not stop a second account from claiming", async () => {
  const [mallory, owner] = await Promise.all([newParticipant("flood"), newParticipant("rightful")]);
  const d = await deviceShowingCode();
  let poll: Promise<unknown> = d.poll;
  for (let i = 0; i < 8; i++) {
    const c = await claim(mallory.api, { sid: d.sid, pop: d.device.codeAt(-3) }); // an old photo
    if (c.status === 423) break;
    expect(c.status).toBe(202);
    await d.device.answer((await poll) as Challenge);
    poll = d.device.poll(25);
    await new Promise((r) => setTimeout(r, 50));
  }
  expect((await claim(mallory.api, { sid: d.sid, pop: d.device.codeAt(0) })).body.code).toBe("session_locked");
  const c = await claim(owner.api, { sid: d.sid, pop: d.device.codeAt(0) });
  expect(c.status).toBe(202);
  expect((await d.device.answer((await poll) as Challenge)).state).toBe("claimed");
  expect((await claimState(owner.api, c.body.claimId)).body.state).toBe("claimed");
});

test("a forged unauthenticated unknown_credential does not make the simulator forget its credential", async () => {
  const { api } = await newParticipant("forged");
  const stateFile = path.join(mkdtempSync(path.join(tmpdir(), "claimlink-sim-")), "device.json");
  let forge = false;
  const mitm = await startMitm(BASE, (req) =>
    forge && req.path === "/api/v1/devices/me/measurements"
      ? {
          status: 401,
          headers: {
            "content-type": "application/problem+json",
            "www-authenticate": 'Claimlink-HMAC error="unknown_credential"',
          },
          body: JSON.stringify({
            type: "about:blank",
            title: "Unknown credential",
            status: 401,
            code: "unknown_credential",
          }),
        }
      : null,
  );
  const sim = spawn(
    process.execPath,
    [
      path.resolve("node_modules/tsx/dist/cli.mjs"),
      "device/simulator.ts",
      "--server",
      BASE,
      "--connect",
      mitm.url,
      "--state",
      stateFile,
      "--interval",
      "1",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  sim.stdout.on("data", (b) => (out += b));
  sim.stderr.on("data", (b) => (out += b));
  const waitFor = async (re: RegExp) => {
    for (let i = 0; i < 200; i++) {
      const m = re.exec(out);
      if (m) return m;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`simulator never printed ${re}:\n${out.slice(-2000)}`);
  };
  try {
    const qr = await waitFor(/\/claim#([A-Z2-7]{26})\.([A-Z2-7]{26})/);
    await new Promise((r) => setTimeout(r, 300));
    const c = await claim(api, { sid: qr[1], pop: qr[2] });
    expect((await claimState(api, c.body.claimId)).body.state).toBe("claimed");
    await waitFor(/sent 3: 3 accepted/);
    const before = JSON.parse(readFileSync(stateFile, "utf8")).credential;
    const startsBefore = mitm.seen.filter((r) => r.path === "/api/v1/provisioning/sessions").length;
    forge = true;
    await waitFor(/unauthenticated answer claims unknown_credential: keeping the credential/);
    // It re-provisions signed with the credential it kept, and still holds it.
    await expect
      .poll(() => mitm.seen.filter((r) => r.path === "/api/v1/provisioning/sessions").slice(startsBefore))
      .toContainEqual(
        expect.objectContaining({
          headers: expect.objectContaining({
            authorization: expect.stringMatching(/^Claimlink-HMAC credential="crd_/),
          }),
        }),
      );
    expect(JSON.parse(readFileSync(stateFile, "utf8")).credential).toEqual(before);
  } finally {
    sim.kill();
    await mitm.close();
  }
});

/** The machine in the middle re-signs a device's request with its own credential and the device's nonce. */
const resignedWith =
  (cred: { credentialId: string; secretHex: string }): Rewrite =>
  (req) => {
    const nonce = /nonce="([^"]+)"/.exec(req.headers.authorization ?? "")?.[1];
    if (!nonce) return req;
    const { header } = authorizationHeader(
      cred.credentialId,
      Buffer.from(cred.secretHex, "hex"),
      req.method,
      req.path,
      Math.floor(Date.now() / 1000),
      req.body,
      nonce,
    );
    return { ...req, headers: { ...req.headers, authorization: header } };
  };

// The reviewer's splice: the server's signature binds an answer to the request's nonce, which a
// signed request carries in clear. A machine in the middle with a credential of its own re-signs
// the victim's request with that nonce, so the server signs an answer about the attacker's device
// for the victim's nonce. The response MAC (the victim's secret) is what the splice cannot make:
// a pinned device never takes a signature in place of the MAC.
test("a pinned device refuses an answer spliced from another credential's request with its nonce", async () => {
  const keys = await pins();
  const { api } = await newParticipant("splice-victim");
  const victim = (await claimDevice(api)).device;
  const attacker = (await claimDevice((await newParticipant("splice-attacker")).api)).device;
  const mitm = await startMitm(BASE);
  try {
    const pinned = new DeviceClient(BASE, victim.credential, { connect: mitm.url, pins: keys });
    expect((await pinned.signed("GET", "/api/v1/devices/me")).status).toBe(200); // untouched: fine
    const aCred = attacker.credential!;
    mitm.setRewrite(resignedWith(aCred));
    mitm.setTamper((_req, res) => {
      const { ["claimlink-response-mac"]: _mac, ...headers } = res.headers;
      return { ...res, headers }; // the attacker cannot make the victim's MAC, so drops it
    });
    const err = await pinned.signed("GET", "/api/v1/devices/me").catch((e) => e);
    expect(err).toBeInstanceOf(UntrustedAnswer);
    expect(pinned.credential).toEqual(victim.credential);

    // The same with a credential the attacker revoked: a signed credential_revoked for the
    // victim's nonce, MACed with the attacker's old secret. Still not the victim's.
    const attackerApi = (await newParticipant("splice-revoker")).api;
    const board = (await claimDevice(attackerApi)).device;
    const old = { ...board.credential! };
    await claimDevice(attackerApi, {}, { device: board, signed: true }); // re-provisioned: old is revoked
    mitm.setRewrite(resignedWith(old));
    mitm.setTamper(() => null); // pass the answer through, MAC and all
    const revokedErr = await pinned.signed("GET", "/api/v1/devices/me").catch((e) => e);
    expect(revokedErr).toBeInstanceOf(UntrustedAnswer);
    expect((revokedErr as UntrustedAnswer).code).toBe("credential_revoked");
    expect(pinned.credential).toEqual(victim.credential);
  } finally {
    await mitm.close();
  }
});

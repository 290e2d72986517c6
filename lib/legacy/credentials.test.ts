import { randomInt } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleApiRequest } from "../api/router";
import { sha256Hex } from "../crypto/tokens";
import { appDatabase, type Database } from "../db/client";
import { auditEvents, legacyNodes, legacyRetiredHardwareIds, measurements } from "../db/schema";
import { reportDeviceLost } from "../devices/lifecycle";
import { claimTestDevice, insertAccount, testConfig, type TestAccount } from "../provisioning/test-fixtures";
import { issueNodeCredential, issueNodeCredentialsInBulk, revokeNodeCredential } from "./credentials";
import { WRONG_SECRETS_PER_ADDRESS, WRONG_SECRETS_PER_NODE } from "./ingest";
import { registerLegacyNode } from "./nodes";
import { upgradeLegacyNode } from "./upgrade";

// Node credentials (docs/legacy-ingest.md "Node credentials"), tested with the exact request
// today's Sensor.Community firmware sends to "Send to own API" with a user and password set,
// through the /api/v1 router, on the app's database (PGlite, or the PostgreSQL of DATABASE_URL).

let database: Database;
let staff: TestAccount;
const cfg = testConfig();
beforeAll(async () => {
  database = await appDatabase();
  staff = await insertAccount(database.db, "legacy-cred-staff", "staff");
});
afterAll(async () => {
  await database.close();
  delete (globalThis as Record<symbol, unknown>)[Symbol.for("claimlink.database")];
});

/** A chip id as the firmware has it (ESP.getChipId() in decimal) and the MAC it reports. */
const chip = () => String(randomInt(1_000_000, 2_000_000_000));
const mac = () =>
  Array.from({ length: 6 }, () => randomInt(0, 256).toString(16).padStart(2, "0").toUpperCase()).join("");
const address = () => `198.18.${randomInt(0, 256)}.${randomInt(1, 255)}`;

/**
 * The firmware's request, byte for byte: airrohr-firmware's sendDataToOptionalApis prepends
 * `{"esp8266id": "<chip id>", ` to the JSON it sends everywhere, whose values are all strings
 * and end with samples, min_micro, max_micro, interval and signal; sendData sets the user agent
 * `<software version>/<chip id>/<MAC>`, X-Sensor and X-MAC-ID, and basic authentication when
 * a user or password is configured. It counts only 200 to 208 as success and never resends.
 */
function firmwareRequest(
  chipId: string,
  opts: { user?: string; password?: string; ip?: string; macId?: string } = {},
): Request {
  const macId = opts.macId ?? mac();
  const body =
    `{"esp8266id": "${chipId}", "software_version": "NRZ-2020-133", "sensordatavalues":[` +
    `{"value_type":"SDS_P1","value":"12.30"},{"value_type":"SDS_P2","value":"8.10"},` +
    `{"value_type":"BME280_temperature","value":"21.40"},{"value_type":"BME280_pressure","value":"100584.23"},` +
    `{"value_type":"samples","value":"3061432"},{"value_type":"min_micro","value":"28"},` +
    `{"value_type":"max_micro","value":"20127"},{"value_type":"interval","value":"145000"},` +
    `{"value_type":"signal","value":"-71"}]}`;
  const headers: Record<string, string> = {
    "User-Agent": `NRZ-2020-133/${chipId}/${macId}`,
    "Content-Type": "application/json",
    "X-Sensor": `esp8266-${chipId}`,
    "X-MAC-ID": `esp8266-${macId}`,
    "X-Forwarded-For": opts.ip ?? address(),
    Connection: "close",
  };
  if (opts.user !== undefined || opts.password !== undefined)
    headers.Authorization = `Basic ${Buffer.from(`${opts.user ?? ""}:${opts.password ?? ""}`).toString("base64")}`;
  return new Request("http://localhost/api/v1/legacy/push-sensor-data", { method: "POST", headers, body });
}

const send = (chipId: string, opts: Parameters<typeof firmwareRequest>[1] = {}) =>
  handleApiRequest(firmwareRequest(chipId, opts));

/** A refusal as the firmware's debug log shows it ("Details: <body>"): a status outside 200..208 and a code. */
async function refused(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const body = await res.json();
  expect(body.code).toBe(code);
  expect(typeof body.detail).toBe("string");
  return res;
}

async function challenged(res: Response, code: string) {
  await refused(res, 401, code);
  expect(res.headers.get("www-authenticate")).toBe('Basic realm="claimlink", charset="UTF-8"');
}

async function nodeWithCredential(owner?: TestAccount) {
  const who = owner ?? (await insertAccount(database.db, "legacy-cred-owner"));
  const chipId = chip();
  const node = await registerLegacyNode(database.db, staff, {
    hardwareId: `esp8266-${chipId}`,
    ownerEmail: who.email,
    name: `Balcony ${chipId}`,
    model: "sensor-community",
  });
  const credential = await issueNodeCredential(database.db, staff, node.id);
  return { owner: who, chipId, node, credential };
}

const rowsOf = (deviceId: string) => database.db.select().from(measurements).where(eq(measurements.deviceId, deviceId));

describe("a legacy node with a credential, as today's firmware sends", () => {
  it("the right user and password: 200, every value stored at level secret", async () => {
    const { chipId, node, credential } = await nodeWithCredential();
    expect(credential.user).toBe(node.id);
    expect(credential.secret).toMatch(/^[A-Z2-7]{26}$/);
    const res = await send(chipId, { user: credential.user, password: credential.secret });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ verification: "secret", accepted: 9, duplicates: 0, rejected: [] });
    const rows = await rowsOf(node.deviceId);
    expect(rows).toHaveLength(9);
    expect(new Set(rows.map((r) => r.verification))).toEqual(new Set(["secret"]));
    expect(rows.find((r) => r.property === "signal")).toMatchObject({ value: -71, unit: "dB[mW]" });
    // Only the hash is kept.
    const [stored] = await database.db.select().from(legacyNodes).where(eq(legacyNodes.id, node.id));
    expect(stored.credentialHash).toBe(sha256Hex(credential.secret));
    expect(JSON.stringify(stored)).not.toContain(credential.secret);
  });

  it("no credential or a wrong one: 401 with a Basic challenge and a code, audited, nothing stored", async () => {
    const { chipId, node, credential } = await nodeWithCredential();
    const ip = address();
    await challenged(await send(chipId, { ip }), "legacy_credential_required");
    await challenged(
      await send(chipId, { ip, user: credential.user, password: "A".repeat(26) }),
      "legacy_credential_invalid",
    );
    await challenged(
      await send(chipId, { ip, user: "lgn_AAAAAAAAAAAAAAAA", password: credential.secret }),
      "legacy_credential_invalid",
    );
    await challenged(await send(chipId, { ip, user: "", password: credential.secret }), "legacy_credential_invalid");
    expect(await rowsOf(node.deviceId)).toEqual([]);
    const events = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "legacy.refused"), eq(auditEvents.ip, ip)));
    expect(events.map((e) => (e.detail as { code: string }).code).sort()).toEqual([
      "legacy_credential_invalid",
      "legacy_credential_invalid",
      "legacy_credential_invalid",
      "legacy_credential_required",
    ]);
    expect(JSON.stringify(events)).not.toContain(credential.secret);
    // A person typing it with spaces or in lower case still gets in.
    const typed = credential.secret.toLowerCase().replace(/(.{4})/g, "$1 ");
    expect((await send(chipId, { user: credential.user, password: typed })).status).toBe(200);
  });

  it("after a re-issue the old secret is refused and the new one accepted", async () => {
    const { chipId, node, credential } = await nodeWithCredential();
    const again = await issueNodeCredential(database.db, staff, node.id);
    expect(again.user).toBe(credential.user);
    expect(again.secret).not.toBe(credential.secret);
    await challenged(
      await send(chipId, { user: credential.user, password: credential.secret }),
      "legacy_credential_invalid",
    );
    expect((await send(chipId, { user: again.user, password: again.secret })).status).toBe(200);
  });

  it("a revoked credential, and a node reported lost, are refused at once", async () => {
    const { owner, chipId, node, credential } = await nodeWithCredential();
    const login = { user: credential.user, password: credential.secret };
    expect((await send(chipId, login)).status).toBe(200);
    await revokeNodeCredential(database.db, staff, node.id);
    await challenged(await send(chipId, login), "legacy_credential_revoked");
    await challenged(await send(chipId), "legacy_credential_revoked");
    expect(await rowsOf(node.deviceId)).toHaveLength(9);

    const fresh = await issueNodeCredential(database.db, owner, node.id, { ownerId: owner.id });
    expect((await send(chipId, { user: fresh.user, password: fresh.secret })).status).toBe(200);
    await reportDeviceLost(database.db, owner, node.deviceId);
    await refused(await send(chipId, { user: fresh.user, password: fresh.secret }), 403, "legacy_not_accepted");
  });

  it("a new board with the right credential continues the record; the old hardware id is refused from then on", async () => {
    const { chipId, node, credential } = await nodeWithCredential();
    const login = { user: credential.user, password: credential.secret };
    expect((await send(chipId, login)).status).toBe(200);
    const newChip = chip();
    const res = await send(newChip, login);
    expect(res.status).toBe(200);
    // Within the same second the same values are duplicates of the old board's: one series.
    const answer = await res.json();
    expect(answer).toMatchObject({ verification: "secret", rejected: [] });
    expect(answer.accepted + answer.duplicates).toBe(9);
    const [after] = await database.db.select().from(legacyNodes).where(eq(legacyNodes.id, node.id));
    expect(after.hardwareId).toBe(`esp8266-${newChip}`);
    expect(after.deviceId).toBe(node.deviceId);
    expect(after.boardReplacedAt).not.toBeNull();
    expect((await rowsOf(node.deviceId)).length).toBe(9 + answer.accepted);
    const [retired] = await database.db
      .select()
      .from(legacyRetiredHardwareIds)
      .where(eq(legacyRetiredHardwareIds.hardwareId, `esp8266-${chipId}`));
    expect(retired.nodeId).toBe(node.id);
    // The old board, with or without the credential, writes no more; nor can it be registered again.
    await refused(await send(chipId, login), 410, "legacy_board_replaced");
    await refused(await send(chipId), 410, "legacy_board_replaced");
    await expect(
      registerLegacyNode(database.db, staff, {
        hardwareId: `esp8266-${chipId}`,
        ownerEmail: staff.email,
        name: `Old ${chipId}`,
        model: "sensor-community",
      }),
    ).rejects.toMatchObject({ code: "conflict" });
    // Another registered node's hardware id is not taken over.
    const other = await nodeWithCredential();
    await refused(await send(other.chipId, login), 409, "conflict");
    expect((await send(other.chipId, { user: other.credential.user, password: other.credential.secret })).status).toBe(
      200,
    );
  });

  it("wrong secrets are limited per node and per address, the right one included once over", async () => {
    const { chipId, credential } = await nodeWithCredential();
    // Each from another board id, so the per-hardware-id request limit is not what stops them.
    for (let i = 0; i < WRONG_SECRETS_PER_NODE; i++)
      await challenged(
        await send(chip(), { user: credential.user, password: `WRONG${i}` }),
        "legacy_credential_invalid",
      );
    const res = await send(chipId, { user: credential.user, password: credential.secret });
    await refused(res, 429, "rate_limited");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);

    const ip = address();
    for (let i = 0; i < WRONG_SECRETS_PER_ADDRESS; i++)
      await send(chip(), {
        ip,
        user: `lgn_${"A".repeat(15)}${"BCDEFGHIJKLMNOPQRSTUVWXYZ234567"[i % 31]}`,
        password: "x",
      });
    const other = await nodeWithCredential();
    await refused(
      await send(other.chipId, { ip, user: other.credential.user, password: other.credential.secret }),
      429,
      "rate_limited",
    );
    expect((await send(other.chipId, { user: other.credential.user, password: other.credential.secret })).status).toBe(
      200,
    );
  });

  it("a node without a credential keeps level none; a presented credential it does not have is refused", async () => {
    const owner = await insertAccount(database.db, "legacy-cred-none");
    const chipId = chip();
    const node = await registerLegacyNode(database.db, staff, {
      hardwareId: `esp8266-${chipId}`,
      ownerEmail: owner.email,
      name: "Shed",
      model: "sensor-community",
    });
    const res = await send(chipId);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ verification: "none", accepted: 9 });
    await challenged(await send(chipId, { user: node.id, password: "anything" }), "legacy_credential_invalid");
  });

  it("the upgrade to a Claimlink device works from level secret and moves the readings at their level", async () => {
    const { owner, chipId, node, credential } = await nodeWithCredential();
    expect((await send(chipId, { user: credential.user, password: credential.secret })).status).toBe(200);
    const device = await claimTestDevice(database, cfg, owner);
    const r = await upgradeLegacyNode(database.db, owner, {
      deviceId: device.deviceId,
      nodeId: node.id,
      asStaff: false,
    });
    expect(r.movedReadings).toBe(9);
    const moved = await rowsOf(device.deviceId);
    expect(new Set(moved.map((m) => m.verification))).toEqual(new Set(["secret"]));
    await refused(
      await send(chipId, { user: credential.user, password: credential.secret }),
      410,
      "legacy_node_upgraded",
    );
    await expect(issueNodeCredential(database.db, staff, node.id)).rejects.toMatchObject({ code: "conflict" });
  });
});

describe("issuing credentials", () => {
  it("an owner issues only for their own node; another account's is not_found", async () => {
    const { owner, node } = await nodeWithCredential();
    const stranger = await insertAccount(database.db, "legacy-cred-stranger");
    await expect(issueNodeCredential(database.db, stranger, node.id, { ownerId: stranger.id })).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(revokeNodeCredential(database.db, stranger, node.id, { ownerId: stranger.id })).rejects.toMatchObject({
      code: "not_found",
    });
    expect((await issueNodeCredential(database.db, owner, node.id, { ownerId: owner.id })).user).toBe(node.id);
    const events = await database.db
      .select({ action: auditEvents.action, detail: auditEvents.detail })
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectDeviceId, node.deviceId), sql`${auditEvents.action} like 'legacy.credential%'`));
    expect(events.map((e) => e.action).sort()).toEqual(["legacy.credential_issued", "legacy.credential_reissued"]);
  });

  it("staff issue in bulk: a CSV of users and passwords, all or nothing", async () => {
    const owner = await insertAccount(database.db, "legacy-cred-bulk");
    const ids = [chip(), chip()].map((c) => `esp8266-${c}`);
    for (const [i, hardwareId] of ids.entries())
      await registerLegacyNode(database.db, staff, {
        hardwareId,
        ownerEmail: owner.email,
        name: `=Node ${i}`,
        model: "sensor-community",
      });
    const unknown = `esp8266-${chip()}`;
    await expect(issueNodeCredentialsInBulk(database.db, staff, [...ids, unknown])).rejects.toMatchObject({
      code: "invalid_request",
      detail: expect.stringContaining(unknown),
    });
    const before = await database.db.select().from(legacyNodes).where(eq(legacyNodes.hardwareId, ids[0]));
    expect(before[0].credentialIssuedAt).toBeNull();

    const csv = await issueNodeCredentialsInBulk(database.db, staff, ids);
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toBe("hardware id,owner email,name,user,password");
    expect(lines).toHaveLength(3);
    for (const line of lines.slice(1)) {
      const [hardwareId, email, name, user, password] = line.split(",");
      expect(ids).toContain(hardwareId);
      expect(email).toBe(owner.email);
      expect(name).toMatch(/^"'=Node \d"$/);
      // The secret it shows is the one the node is let in with.
      const res = await send(hardwareId.slice("esp8266-".length), { user, password });
      expect(res.status).toBe(200);
    }
  });
});

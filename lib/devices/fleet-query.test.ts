import { beforeAll, describe, expect, it } from "vitest";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { auditEvents, deviceCommands, deviceCredentials, devices, measurements } from "../db/schema";
import { AppError } from "../errors/app-error";
import { newId } from "../ids";
import { claimTestDevice, insertAccount, testConfig, type TestAccount } from "../provisioning/test-fixtures";
import { MAX_BULK_DEVICES, runBulkAction } from "./bulk";
import { listFleetPage } from "./fleet";
import { fleetPage, selectFleetIds } from "./fleet-query";
import { fleetSummary } from "./fleet-summary";
import type { FleetPageQuery, FleetSort } from "./schemas";
import { releaseDevice, reportDeviceLost, revokeDevice } from "./lifecycle";
import { withTestDatabase } from "../test-helpers";

let database: Database;
const cfg = testConfig();
withTestDatabase((d) => {
  database = d;
});

/** Every id across all pages of a query, in page order. */
async function allPages(q: FleetPageQuery): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await fleetPage(database.db, { ...q, cursor });
    ids.push(...page.rows.map((r) => r.device.id));
    cursor = page.nextCursor ?? undefined;
    pages++;
    expect(pages).toBeLessThan(1000);
  } while (cursor);
  return { ids, pages };
}

describe("fleet pagination over 1200 devices", () => {
  const model = `pager-${Date.now().toString(36)}`;
  const seeded: string[] = [];
  let owners: TestAccount[];

  beforeAll(async () => {
    owners = [await insertAccount(database.db, "pager-a"), await insertAccount(database.db, "pager-b")];
    // Few distinct values per sort key, so every page boundary falls inside a run of equal keys;
    // a quarter were never seen (lastSeenAt null). Times carry microseconds, which a cursor
    // rounded to milliseconds would get wrong.
    const base = Date.UTC(2026, 10, 1);
    const rows = Array.from({ length: 1200 }, (_, i) => ({
      id: newId("dev"),
      ownerId: owners[i % 2].id,
      name: `Probe ${i}`,
      model,
      firmware: `1.${i % 3}.0`,
      i,
    }));
    for (let i = 0; i < rows.length; i += 300) {
      await database.db.insert(devices).values(rows.slice(i, i + 300).map(({ i: _, ...r }) => r));
    }
    await database.db.execute(sql`
      update devices set
        last_seen_at = case when (substr(id, 5, 1) < 'H') then null
          else ${new Date(base).toISOString()}::timestamptz + (length(name) % 4) * interval '1 hour' + interval '123 microseconds' end,
        created_at = ${new Date(base).toISOString()}::timestamptz + (length(name) % 2) * interval '1 day' + interval '7 microseconds'
      where model = ${model}`);
    seeded.push(...rows.map((r) => r.id));
  }, 120_000);

  const sorts: FleetSort[] = ["lastSeen", "created", "name", "model", "firmware", "owner"];
  for (const sort of sorts) {
    for (const dir of ["asc", "desc"] as const) {
      it(`returns each device exactly once, sorted by ${sort} ${dir}`, async () => {
        const { ids, pages } = await allPages({ model, sort, dir, limit: 97 });
        expect(ids).toHaveLength(1200);
        expect(new Set(ids).size).toBe(1200);
        expect([...ids].sort()).toEqual([...seeded].sort());
        expect(pages).toBe(Math.ceil(1200 / 97));
      }, 60_000);
    }
  }

  it("keeps the sort order across pages (the key, then the id)", async () => {
    const first = await fleetPage(database.db, { model, sort: "firmware", dir: "asc", limit: 200 });
    const second = await fleetPage(database.db, {
      model,
      sort: "firmware",
      dir: "asc",
      limit: 200,
      cursor: first.nextCursor!,
    });
    const keys = [...first.rows, ...second.rows].map((r) => [r.device.firmware, r.device.id] as const);
    const sorted = [...keys].sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1));
    expect(keys.map((k) => k[0])).toEqual(sorted.map((k) => k[0]));
  });

  it("pages a filtered selection (owner and firmware) completely, with the default sort", async () => {
    const { ids } = await allPages({ model, owner: owners[1].email, firmware: "1.2.0", limit: 50 });
    const expected = await database.db
      .select({ id: devices.id })
      .from(devices)
      .where(and(eq(devices.model, model), eq(devices.ownerId, owners[1].id), eq(devices.firmware, "1.2.0")));
    expect(ids.sort()).toEqual(expected.map((e) => e.id).sort());
    expect(ids.length).toBe(200);
  });

  it("refuses a cursor it did not issue with invalid_request, never a database error", async () => {
    const forged = [
      "not-base64-json",
      Buffer.from(JSON.stringify(["2026-99-99", newId("dev")])).toString("base64url"),
      Buffer.from(JSON.stringify(["1", "dev_nope"])).toString("base64url"),
      Buffer.from(JSON.stringify(["a\u0000b", newId("dev")])).toString("base64url"),
      Buffer.from(JSON.stringify({ k: 1 })).toString("base64url"),
    ];
    for (const cursor of forged) {
      const err = await fleetPage(database.db, { model, cursor }).catch((e: unknown) => e);
      expect(err, cursor).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe("invalid_request");
    }
    // A text cursor under a name sort is just a position: any string is a valid place to start.
    const page = await fleetPage(database.db, {
      model,
      sort: "name",
      limit: 5,
      cursor: Buffer.from(JSON.stringify(["probe 5", newId("dev")])).toString("base64url"),
    });
    expect(page.rows.every((r) => r.device.name.toLowerCase() >= "probe 5")).toBe(true);
  });

  it("summarises the filtered fleet by model and firmware and by status", async () => {
    const s = await fleetSummary(database.db, { model });
    expect(s.total).toBe(1200);
    expect(s.byStatus.revoked).toBe(1200); // seeded without credentials
    expect(s.byModel).toEqual([
      { model, firmware: "1.0.0", count: 400 },
      { model, firmware: "1.1.0", count: 400 },
      { model, firmware: "1.2.0", count: 400 },
    ]);
    expect(s.neverReported).toBe(1200);
    expect(s.silent).toBe(0); // silent counts devices holding a credential only
  });
});

describe("fleet filters, summary and bulk actions on claimed devices", () => {
  it("filters by status and last contact, matching the status shown", async () => {
    const tag = `flt${Date.now().toString(36)}`;
    const owner = await insertAccount(database.db, tag);
    const staff = await insertAccount(database.db, "staff", "staff");
    const model = `${tag}-model`;
    const online = await claimTestDevice(database, cfg, owner, model);
    const offline = await claimTestDevice(database, cfg, owner, model);
    const revoked = await claimTestDevice(database, cfg, owner, model);
    const released = await claimTestDevice(database, cfg, owner, model);
    const lost = await claimTestDevice(database, cfg, owner, model);
    const longAgo = new Date(Date.now() - 3 * 86_400_000);
    await database.db.update(devices).set({ lastSeenAt: longAgo }).where(eq(devices.id, offline.deviceId));
    await revokeDevice(database.db, staff, revoked.deviceId);
    await releaseDevice(database.db, owner, released.deviceId);
    await reportDeviceLost(database.db, owner, lost.deviceId);

    const ids = async (q: FleetPageQuery) =>
      (await listFleetPage(database.db, { model, ...q })).devices.map((d) => [d.id, d.status]);
    expect(await ids({ status: "online" })).toEqual([[online.deviceId, "online"]]);
    expect(await ids({ status: "offline" })).toEqual([[offline.deviceId, "offline"]]);
    expect(await ids({ status: "revoked" })).toEqual([[revoked.deviceId, "revoked"]]);
    expect(await ids({ status: "released" })).toEqual([[released.deviceId, "released"]]);
    expect(await ids({ status: "lost" })).toEqual([[lost.deviceId, "lost"]]);
    expect((await ids({ seenBefore: new Date(Date.now() - 86_400_000) })).map((r) => r[0])).toEqual([offline.deviceId]);
    expect((await ids({ seenAfter: new Date(Date.now() - 86_400_000) })).map((r) => r[0]).sort()).toEqual(
      [online.deviceId, revoked.deviceId, released.deviceId, lost.deviceId].sort(),
    );

    const summary = await fleetSummary(database.db, { model }, 24);
    expect(summary.byStatus).toEqual({ online: 1, offline: 1, revoked: 1, lost: 1, released: 1, legacy: 0 });
    expect(summary.silent).toBe(1); // the offline one: three days without contact
    expect(summary.neverReported).toBe(4); // released devices are not counted
    await database.db
      .insert(measurements)
      .values({ deviceId: online.deviceId, property: "temperature", time: new Date(), value: 20 });
    expect((await fleetSummary(database.db, { model }, 24)).neverReported).toBe(3);
  });

  it("a bulk command reaches exactly the filtered devices, audited once with their list", async () => {
    const tag = `blk${Date.now().toString(36)}`;
    const owner = await insertAccount(database.db, tag);
    const staff = await insertAccount(database.db, "staff", "staff");
    const model = `${tag}-model`;
    const old = await Promise.all([1, 2, 3].map(() => claimTestDevice(database, cfg, owner, model)));
    for (const d of old) {
      await database.db.update(devices).set({ firmware: "0.9.0" }).where(eq(devices.id, d.deviceId));
    }
    const current = await claimTestDevice(database, cfg, owner, model); // firmware 1.x: not selected
    const releasedOld = await claimTestDevice(database, cfg, owner, model);
    await database.db.update(devices).set({ firmware: "0.9.0" }).where(eq(devices.id, releasedOld.deviceId));
    await releaseDevice(database.db, owner, releasedOld.deviceId);
    const filter = { model, firmware: "0.9.0" };

    // The confirmation said 2: the selection has 3, so nothing happens.
    const stale = await runBulkAction(
      database.db,
      staff,
      { filter, action: { kind: "command", command: { type: "reboot", params: {} } }, expectedCount: 2 },
      cfg.commandTtlSeconds,
    ).catch((e: AppError) => e);
    expect(stale).toMatchObject({ code: "conflict" });
    const allIds = [...old, current, releasedOld].map((d) => d.deviceId);
    expect(await database.db.select().from(deviceCommands).where(inArray(deviceCommands.deviceId, allIds))).toEqual([]);

    const result = await runBulkAction(
      database.db,
      staff,
      {
        filter,
        action: { kind: "command", command: { type: "set_config", params: { measurementIntervalSeconds: 300 } } },
        expectedCount: 3,
      },
      cfg.commandTtlSeconds,
    );
    expect(result.deviceIds.sort()).toEqual(old.map((d) => d.deviceId).sort());
    const cmds = await database.db.select().from(deviceCommands).where(inArray(deviceCommands.deviceId, allIds));
    expect(cmds.map((c) => c.deviceId).sort()).toEqual(old.map((d) => d.deviceId).sort());
    expect(cmds.every((c) => c.type === "set_config" && c.issuedBy === staff.id)).toBe(true);
    const intervals = await database.db
      .select({ id: devices.id, s: devices.measurementIntervalSeconds })
      .from(devices)
      .where(inArray(devices.id, allIds));
    for (const r of intervals) expect(r.s, r.id).toBe(result.deviceIds.includes(r.id) ? 300 : 60);

    const events = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.actorId, staff.id), eq(auditEvents.action, "device.bulk_command")));
    expect(events).toHaveLength(1);
    expect(events[0].detail).toMatchObject({ count: 3, type: "set_config", filter: { model, firmware: "0.9.0" } });
    expect((events[0].detail.deviceIds as string[]).sort()).toEqual(result.deviceIds.sort());
  });

  it("a bulk revoke revokes exactly the filtered devices' credentials, audited once", async () => {
    const tag = `brv${Date.now().toString(36)}`;
    const owner = await insertAccount(database.db, tag);
    const bystander = await insertAccount(database.db, `${tag}x`);
    const staff = await insertAccount(database.db, "staff", "staff");
    const model = `${tag}-model`;
    const mine = await Promise.all([1, 2].map(() => claimTestDevice(database, cfg, owner, model)));
    const theirs = await claimTestDevice(database, cfg, bystander, model);
    const filter = { model, owner: owner.email };
    expect(await selectFleetIds(database.db, filter, 10)).toHaveLength(2);
    await runBulkAction(database.db, staff, { filter, action: { kind: "revoke" }, expectedCount: 2 }, 60);
    const creds = await database.db
      .select()
      .from(deviceCredentials)
      .where(
        inArray(
          deviceCredentials.deviceId,
          [...mine, theirs].map((d) => d.deviceId),
        ),
      );
    for (const c of creds) expect(c.revokedAt !== null, c.deviceId).toBe(c.deviceId !== theirs.deviceId);
    const events = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.actorId, staff.id), eq(auditEvents.action, "device.bulk_revoked")));
    expect(events).toHaveLength(1);
    expect(events[0].detail).toMatchObject({ count: 2, credentialsRevoked: 2 });
    expect(MAX_BULK_DEVICES).toBeGreaterThanOrEqual(1000);
  });

  it("refuses a selection larger than the bulk limit, and changes nothing", async () => {
    const tag = `bmx${Date.now().toString(36)}`;
    const owner = await insertAccount(database.db, tag);
    const staff = await insertAccount(database.db, "staff", "staff");
    const model = `${tag}-model`;
    const ds = await Promise.all([1, 2, 3].map(() => claimTestDevice(database, cfg, owner, model)));
    const err = await runBulkAction(
      database.db,
      staff,
      { filter: { model }, action: { kind: "revoke" }, expectedCount: 3 },
      60,
      2,
    ).catch((e: AppError) => e);
    expect(err).toMatchObject({ code: "invalid_request" });
    const live = await database.db
      .select()
      .from(deviceCredentials)
      .where(
        inArray(
          deviceCredentials.deviceId,
          ds.map((d) => d.deviceId),
        ),
      );
    expect(live.every((c) => c.revokedAt === null)).toBe(true);
  });
});

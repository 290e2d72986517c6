import { describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { auditEvents } from "../db/schema";
import { newId } from "../ids";
import { listAuditEvents } from "./read";
import { CLI_ACTOR, recordAudit, recordRefusal, type Actor } from "./record";
import { withTestDatabase } from "../test-helpers";

let database: Database;
withTestDatabase((d) => {
  database = d;
});

const user = (): Actor & { id: string } => ({ id: newId("usr"), label: "someone@example.org", ip: "192.0.2.1" });

describe("recordAudit and listAuditEvents", () => {
  it("records who, what, to whom and from where, and lists newest first", async () => {
    const alice = user();
    await recordAudit(database.db, alice, { action: "test.first", outcome: "success", subjectUserId: alice.id });
    await recordAudit(database.db, alice, {
      action: "test.second",
      outcome: "failure",
      subjectDeviceId: newId("dev"),
      detail: { why: "because" },
    });
    const events = await listAuditEvents(database.db, { userId: alice.id });
    expect(events.map((e) => e.action)).toEqual(["test.second", "test.first"]);
    expect(events[0]).toMatchObject({
      actorId: alice.id,
      actorLabel: alice.label,
      ip: "192.0.2.1",
      outcome: "failure",
      detail: { why: "because" },
    });
    expect(events[0].at).toBeInstanceOf(Date);
    expect(events[1].detail).toEqual({});
  });

  it("filters by account as actor or as subject, and nothing else", async () => {
    const alice = user();
    const bob = user();
    await recordAudit(database.db, alice, { action: "test.by_alice", outcome: "success" });
    await recordAudit(database.db, CLI_ACTOR, { action: "test.to_alice", outcome: "success", subjectUserId: alice.id });
    await recordAudit(database.db, bob, { action: "test.by_bob", outcome: "success", subjectUserId: bob.id });
    expect((await listAuditEvents(database.db, { userId: alice.id })).map((e) => e.action)).toEqual([
      "test.to_alice",
      "test.by_alice",
    ]);
    expect((await listAuditEvents(database.db, { userId: bob.id })).map((e) => e.action)).toEqual(["test.by_bob"]);
    expect(await listAuditEvents(database.db, { userId: newId("usr") })).toEqual([]);
  });

  it("pages with the `before` cursor (an event id) and a limit", async () => {
    const alice = user();
    for (let i = 0; i < 5; i++) await recordAudit(database.db, alice, { action: `test.page${i}`, outcome: "success" });
    const first = await listAuditEvents(database.db, { userId: alice.id, limit: 2 });
    expect(first.map((e) => e.action)).toEqual(["test.page4", "test.page3"]);
    const second = await listAuditEvents(database.db, { userId: alice.id, limit: 2, before: first[1].id });
    expect(second.map((e) => e.action)).toEqual(["test.page2", "test.page1"]);
    const last = await listAuditEvents(database.db, { userId: alice.id, limit: 2, before: second[1].id });
    expect(last.map((e) => e.action)).toEqual(["test.page0"]);
  });

  it("answers at most 500 events however many are asked for, 100 by default", async () => {
    const alice = user();
    await database.db.insert(auditEvents).values(
      Array.from({ length: 510 }, (_, i) => ({
        actorId: alice.id,
        actorLabel: alice.label,
        action: `test.bulk${i}`,
        outcome: "success" as const,
      })),
    );
    expect(await listAuditEvents(database.db, { userId: alice.id, limit: 10_000 })).toHaveLength(500);
    expect(await listAuditEvents(database.db, { userId: alice.id })).toHaveLength(100);
  });
});

describe("listAuditEvents filters", () => {
  it("filters by device, by action or action family, and by time, newest first", async () => {
    const alice = user();
    const dev = newId("dev");
    await recordAudit(database.db, alice, { action: "test.filter.one", outcome: "success", subjectDeviceId: dev });
    await recordAudit(database.db, alice, { action: "test.filter.two", outcome: "success", subjectDeviceId: dev });
    await recordAudit(database.db, alice, { action: "test.filterx", outcome: "success", subjectDeviceId: dev });
    await recordAudit(database.db, alice, { action: "test.filter.one", outcome: "success" });
    const actions = async (q: Parameters<typeof listAuditEvents>[1]) =>
      (await listAuditEvents(database.db, { userId: alice.id, ...q })).map((e) => e.action);
    expect(await actions({ deviceId: dev })).toEqual(["test.filterx", "test.filter.two", "test.filter.one"]);
    expect(await actions({ action: "test.filter.one" })).toEqual(["test.filter.one", "test.filter.one"]);
    expect(await actions({ deviceId: dev, action: "test.filter." })).toEqual(["test.filter.two", "test.filter.one"]);
    const [newest] = await listAuditEvents(database.db, { userId: alice.id, limit: 1 });
    expect(await actions({ from: new Date(newest.at.getTime() + 1000) })).toEqual([]);
    expect(await actions({ to: new Date(newest.at.getTime() - 60_000) })).toEqual([]);
    expect(
      await actions({ from: new Date(newest.at.getTime() - 60_000), to: new Date(newest.at.getTime() + 1000) }),
    ).toHaveLength(4);
  });
});

describe("the audit log is append-only (database triggers, drizzle/0001)", () => {
  it("refuses UPDATE, DELETE and TRUNCATE, and the event stays as it was", async () => {
    const alice = user();
    await recordAudit(database.db, alice, { action: "test.immutable", outcome: "success" });
    const [event] = await listAuditEvents(database.db, { userId: alice.id });
    const attempts = [
      () => database.db.update(auditEvents).set({ action: "test.rewritten" }).where(eq(auditEvents.id, event.id)),
      () => database.db.delete(auditEvents).where(eq(auditEvents.id, event.id)),
      () => database.db.execute(sql`truncate audit_events`),
    ];
    for (const attempt of attempts) {
      const err = await Promise.resolve()
        .then(attempt)
        .then(
          () => null,
          (e: Error & { cause?: Error }) => e,
        );
      expect(err).not.toBeNull();
      expect(`${err?.message} ${err?.cause?.message ?? ""}`).toContain("audit_events is append-only");
    }
    expect(await listAuditEvents(database.db, { userId: alice.id })).toEqual([event]);
  });
});

describe("recordRefusal: at most 20 per (action, caller, code) in 10 minutes", () => {
  const refusals = (action: string, code: string) =>
    database.db
      .select()
      .from(auditEvents)
      .where(sql`${auditEvents.action} = ${action} and ${auditEvents.detail}->>'code' = ${code}`);

  it("records 20 and drops the rest; each is a failure with its code in the detail", async () => {
    const action = `test.refused_${Date.now()}`;
    const results: boolean[] = [];
    for (let i = 0; i < 23; i++)
      results.push(
        await recordRefusal(database.db, CLI_ACTOR, { action, code: "bad_signature", caller: "crd_A", detail: { i } }),
      );
    expect(results.filter(Boolean)).toHaveLength(20);
    expect(results.slice(20)).toEqual([false, false, false]);
    const rows = await refusals(action, "bad_signature");
    expect(rows).toHaveLength(20);
    expect(rows[0]).toMatchObject({ outcome: "failure", detail: { code: "bad_signature" } });
  });

  it("a different code or a different caller has its own cap", async () => {
    const action = `test.refused_${Date.now()}_b`;
    for (let i = 0; i < 21; i++)
      await recordRefusal(database.db, CLI_ACTOR, { action, code: "bad_signature", caller: "crd_A" });
    expect(await recordRefusal(database.db, CLI_ACTOR, { action, code: "bad_signature", caller: "crd_A" })).toBe(false);
    expect(await recordRefusal(database.db, CLI_ACTOR, { action, code: "stale_timestamp", caller: "crd_A" })).toBe(
      true,
    );
    expect(await recordRefusal(database.db, CLI_ACTOR, { action, code: "bad_signature", caller: "crd_B" })).toBe(true);
    expect(
      await recordRefusal(database.db, CLI_ACTOR, {
        action: `${action}_other`,
        code: "bad_signature",
        caller: "crd_A",
      }),
    ).toBe(true);
  });

  it("without a caller, counts per account, else per address", async () => {
    const action = `test.refused_${Date.now()}_c`;
    const alice = user();
    const bob = user();
    for (let i = 0; i < 20; i++) await recordRefusal(database.db, alice, { action, code: "forbidden" });
    expect(await recordRefusal(database.db, alice, { action, code: "forbidden" })).toBe(false);
    expect(await recordRefusal(database.db, bob, { action, code: "forbidden" })).toBe(true);
    const anon = (ip: string): Actor => ({ id: null, label: "anonymous", ip });
    for (let i = 0; i < 20; i++) await recordRefusal(database.db, anon("192.0.2.77"), { action, code: "csrf_failed" });
    expect(await recordRefusal(database.db, anon("192.0.2.77"), { action, code: "csrf_failed" })).toBe(false);
    expect(await recordRefusal(database.db, anon("192.0.2.78"), { action, code: "csrf_failed" })).toBe(true);
  });

  it("records again once the 10 minutes have passed", async () => {
    const action = `test.refused_${Date.now()}_d`;
    for (let i = 0; i < 21; i++)
      await recordRefusal(database.db, CLI_ACTOR, { action, code: "forbidden", caller: "x" });
    expect(await recordRefusal(database.db, CLI_ACTOR, { action, code: "forbidden", caller: "x" })).toBe(false);
    await database.db.execute(
      sql`update rate_limits set window_started_at = now() - interval '601 seconds' where key = ${`audit:${action}:x:forbidden`}`,
    );
    expect(await recordRefusal(database.db, CLI_ACTOR, { action, code: "forbidden", caller: "x" })).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { auditQuerySchema } from "./audit/schemas";
import { listAuditEvents } from "./audit/read";
import type { Database } from "./db/client";
import { fleetPage, selectFleetIds } from "./devices/fleet-query";
import { fleetSummary } from "./devices/fleet-summary";
import { fleetPageSchema, summaryQuerySchema } from "./devices/schemas";
import { exportQuerySchema } from "./devices/schemas";
import { parseOrThrow } from "./errors/validate";
import { legacySettingsSchema } from "./legacy/schemas";
import { utcDaySchema } from "./dates";
import { withTestDatabase } from "./test-helpers";

let database: Database;
withTestDatabase((d) => {
  database = d;
});

// Every date the API takes goes through lib/dates.ts: outside 2000-01-01 .. 9999-12-31 it is a
// 400 naming the field, never a query PostgreSQL refuses (a 500).
const OUT_OF_BOUNDS = ["0000-01-01", "0000-01-01T00:00:00Z", "1999-12-31T23:59:59Z", "9999-12-31T23:59:59-01:00"];

function refusal(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    return err as { code: string; extra: { errors: { path: string }[] } };
  }
  throw new Error("accepted");
}

describe("dates the API takes", () => {
  it("refuses a fleet filter's seenBefore and seenAfter outside the bounds, on the list, summary, bulk and export", () => {
    for (const value of OUT_OF_BOUNDS)
      for (const field of ["seenBefore", "seenAfter"]) {
        for (const schema of [fleetPageSchema, summaryQuerySchema]) {
          const err = refusal(() => parseOrThrow(schema, { [field]: value }));
          expect(err.code).toBe("invalid_request");
          expect(err.extra.errors.map((e) => e.path)).toEqual([field]);
        }
      }
  });

  it("refuses an export's range, the audit log's range, a legacy cut-off and a study day outside the bounds", () => {
    for (const value of OUT_OF_BOUNDS) {
      expect(refusal(() => parseOrThrow(exportQuerySchema, { from: value })).code).toBe("invalid_request");
      expect(refusal(() => parseOrThrow(auditQuerySchema, { to: value })).code).toBe("invalid_request");
      if (value.length > 10)
        expect(refusal(() => parseOrThrow(legacySettingsSchema, { acceptAny: true, cutoffAt: value })).code).toBe(
          "invalid_request",
        );
    }
    expect(utcDaySchema.safeParse("0000-01-01").success).toBe(false);
    expect(utcDaySchema.safeParse("2026-02-30").success).toBe(false);
    expect(utcDaySchema.safeParse("2026-12-07").success).toBe(true);
  });

  it("takes the bounds themselves, and the database answers queries at them", async () => {
    const q = parseOrThrow(fleetPageSchema, { seenAfter: "2000-01-01", seenBefore: "9999-12-31T23:59:59Z" });
    expect(q.seenAfter?.toISOString()).toBe("2000-01-01T00:00:00.000Z");
    await expect(fleetPage(database.db, q)).resolves.toBeDefined();
    await expect(fleetSummary(database.db, q)).resolves.toBeDefined();
    await expect(selectFleetIds(database.db, q, 10)).resolves.toBeDefined();
    const a = parseOrThrow(auditQuerySchema, { from: "2000-01-01", to: "9999-12-31" });
    await expect(listAuditEvents(database.db, { from: a.from, to: a.to, limit: 1 })).resolves.toBeDefined();
    const cut = parseOrThrow(legacySettingsSchema, { acceptAny: false, cutoffAt: "9999-12-31T23:59:59+00:00" });
    expect(cut.cutoffAt?.getUTCFullYear()).toBe(9999);
    expect(parseOrThrow(fleetPageSchema, { seenBefore: "" }).seenBefore).toBeUndefined();
  });
});

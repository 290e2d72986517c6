import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { parseCsvLine } from "../csv";
import { devices, legacyNodes } from "../db/schema";
import { insertAccount } from "../provisioning/test-fixtures";
import { importLegacyNodes, registerLegacyNode } from "./nodes";
import { hw, refusal, registeredNode, openLegacyTestDatabase } from "./test-fixtures";

// Staff register legacy nodes one by one and by CSV import (docs/legacy-ingest.md).

const ctx = openLegacyTestDatabase();

describe("registering legacy nodes", () => {
  it("refuses an unknown owner email, a duplicate hardware id and a name the owner already uses", async () => {
    const owner = await insertAccount(ctx.database.db, "legacy-reg");
    const { hardwareId } = await registeredNode(ctx, owner);
    const base = { ownerEmail: owner.email, name: "Garden", model: "sensor-community" };
    expect((await refusal(registerLegacyNode(ctx.database.db, ctx.staff, { ...base, hardwareId }))).code).toBe(
      "conflict",
    );
    expect(
      (
        await refusal(
          registerLegacyNode(ctx.database.db, ctx.staff, {
            ...base,
            hardwareId: hw(),
            ownerEmail: "nobody@example.org",
          }),
        )
      ).code,
    ).toBe("invalid_request");
    await registerLegacyNode(ctx.database.db, ctx.staff, { ...base, hardwareId: hw() });
    expect(
      (await refusal(registerLegacyNode(ctx.database.db, ctx.staff, { ...base, name: "GARDEN", hardwareId: hw() })))
        .code,
    ).toBe("name_taken");
  });

  it("imports CSV line by line and reports each line's outcome", async () => {
    const owner = await insertAccount(ctx.database.db, "legacy-import");
    const [a, b] = [hw(), hw()];
    const csv = [
      "hardware id,owner email,name",
      `${a},${owner.email},"Kitchen, north"`,
      `${a},${owner.email},Again`,
      `not an id,${owner.email},X`,
      `${b},nobody-${randomUUID()}@example.org,Y`,
      `${b},${owner.email}`,
      `"unterminated,${owner.email},Z`,
      "",
      `${b.toUpperCase()},${owner.email.toUpperCase()},=cmd`,
    ].join("\r\n");
    const report = await importLegacyNodes(ctx.database.db, ctx.staff, csv);
    expect(report.map((r) => [r.line, r.outcome])).toEqual([
      [2, "registered"],
      [3, "rejected"],
      [4, "rejected"],
      [5, "rejected"],
      [6, "rejected"],
      [7, "rejected"],
      [9, "registered"],
    ]);
    expect(report[1].reason).toMatch(/already registered/);
    expect(report[2].reason).toMatch(/hardwareId/);
    expect(report[3].reason).toMatch(/No account/);
    expect(report[4].reason).toMatch(/3 fields/);
    const names = await ctx.database.db
      .select({ name: devices.name })
      .from(legacyNodes)
      .innerJoin(devices, eq(devices.id, legacyNodes.deviceId))
      .where(eq(legacyNodes.hardwareId, a));
    expect(names).toEqual([{ name: "Kitchen, north" }]);
  });

  it("parses quoted CSV fields", () => {
    expect(parseCsvLine('a,"b ""c"", d", e ')).toEqual(["a", 'b "c", d', "e"]);
    expect(parseCsvLine('a,b"c')).toBeNull();
    expect(parseCsvLine('"a"x,b')).toBeNull();
  });
});

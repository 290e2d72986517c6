import { describe, expect, it } from "vitest";
import { CLI_ACTOR, type Actor } from "../audit/record";
import { listAuditEvents } from "../audit/read";
import type { Database } from "../db/client";
import { uniqueEmail } from "../db/test-database";
import { checkInvitationCsv, createBulkInvitations } from "./bulk-invitations";
import { acceptInvitation, listPendingInvitations } from "./invitations";
import { newUser } from "./schemas";
import { createUser } from "./users";
import { withTestDatabase } from "../test-helpers";

let database: Database;
let staff: Actor;
const opts = { days: 7, publicUrl: "https://claimlink.example.org" };

withTestDatabase(async (d) => {
  database = d;
  const s = await createUser(
    database.db,
    CLI_ACTOR,
    newUser({ email: uniqueEmail("staff"), name: "Staff", password: "a long chosen password", role: "staff" }),
  );
  staff = { id: s.id, label: s.email, ip: null };
});

describe("bulk invitations from CSV", () => {
  it("checks every line on its own and says why a line is rejected", () => {
    const lines = checkInvitationCsv(
      [
        "email,name,role",
        "ann@example.org,Ann Example,staff",
        '"bob@example.org","Bob, the Builder"',
        "not-an-email,Someone",
        "ANN@example.org,Ann Again",
        "cy@example.org,Cy,admin",
        "dee@example.org",
        '"eve@example.org,Eve',
        "",
        "fay@example.org,Fay,support",
      ].join("\r\n"),
    );
    expect(lines.map((l) => [l.line, l.status])).toEqual([
      [2, "valid"],
      [3, "valid"],
      [4, "rejected"],
      [5, "rejected"],
      [6, "rejected"],
      [7, "rejected"],
      [8, "rejected"],
      [10, "valid"],
    ]);
    const reason = (n: number) => {
      const l = lines.find((x) => x.line === n);
      return l?.status === "rejected" ? l.reason : "";
    };
    expect(reason(4)).toMatch(/email is not a valid email address/);
    expect(reason(5)).toBe("Same email as line 2.");
    expect(reason(6)).toMatch(/^role /);
    expect(reason(7)).toMatch(/Expected 2 or 3 columns/);
    expect(reason(8)).toBe("A quote is not closed, or stands inside a cell.");
    expect(lines[1]).toMatchObject({
      input: { email: "bob@example.org", name: "Bob, the Builder", role: "participant" },
    });
    expect(() => checkInvitationCsv("email,name\n\n")).toThrow(/no invitation lines/);
    expect(() => checkInvitationCsv(Array.from({ length: 501 }, (_, i) => `p${i}@example.org,P`).join("\n"))).toThrow(
      /At most 500/,
    );
  });

  it("invites the valid lines, rejects existing accounts, and each link works once", async () => {
    const existing = uniqueEmail("exists");
    await createUser(
      database.db,
      CLI_ACTOR,
      newUser({ email: existing, name: "Exists", password: "a long chosen password" }),
    );
    const a = uniqueEmail("bulk-a");
    const b = uniqueEmail("bulk-b");
    const r = await createBulkInvitations(
      database.db,
      staff,
      `${a},Bulk A,support\n${existing},Exists\n${b},Bulk B\n=cmd|' /C calc'!A0,Formula`,
      opts,
    );
    expect(r.invited.map((i) => [i.line, i.email, i.invitation.role])).toEqual([
      [1, a, "support"],
      [3, b, "participant"],
    ]);
    expect(r.rejected.map((x) => [x.line, x.reason])).toEqual([
      [2, "An account with this email already exists."],
      [4, expect.stringMatching(/not a valid email/)],
    ]);
    const pending = (await listPendingInvitations(database.db)).map((p) => p.email);
    expect(pending).toEqual(expect.arrayContaining([a, b]));
    expect(pending).not.toContain(existing);
    const user = await acceptInvitation(
      database.db,
      { token: r.invited[0].link.split("#")[1], password: "another long password" },
      null,
    );
    expect(user).toMatchObject({ email: a, role: "support" });
    const events = await listAuditEvents(database.db, { userId: staff.id!, action: "invitation.bulk_created" });
    expect(events[0].detail).toEqual({ invited: 2, rejected: 2, lines: 4 });
  });
});

import { newUser } from "@/lib/accounts/schemas";
import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { CLI_ACTOR, type Actor } from "../audit/record";
import { listAuditEvents } from "../audit/read";
import { createSession, resolveSession } from "../auth/sessions";
import type { Database } from "../db/client";
import { users } from "../db/schema";
import { uniqueEmail } from "../db/test-database";
import { AppError } from "../errors/app-error";
import { createUser, findUserByEmail, listUsers, setUserDisabled, setUserRole } from "./users";
import { withTestDatabase } from "../test-helpers";

let database: Database;
withTestDatabase((d) => {
  database = d;
});

const password = "correct horse battery";

describe("accounts", () => {
  it("creates an account with a lower-cased email and an argon2id hash, and audits it", async () => {
    const email = uniqueEmail("Mixed");
    const u = await createUser(
      database.db,
      CLI_ACTOR,
      newUser({ email: email.toUpperCase(), name: "Ana de Vries", password }),
    );
    expect(u.email).toBe(email.toLowerCase());
    expect(u.role).toBe("participant");
    const stored = await findUserByEmail(database.db, email.toUpperCase());
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(stored?.passwordHash).not.toContain(password);
    const [event] = await listAuditEvents(database.db, { userId: u.id });
    expect(event).toMatchObject({ action: "account.created", outcome: "success", actorLabel: "cli" });
  });

  it("refuses a duplicate email whatever its case, writing nothing", async () => {
    const email = uniqueEmail();
    await createUser(database.db, CLI_ACTOR, newUser({ email, name: "First", password }));
    const err = await createUser(
      database.db,
      CLI_ACTOR,
      newUser({
        email: email.toUpperCase(),
        name: "Second",
        password,
      }),
    ).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe("email_taken");
    expect((await listUsers(database.db, email)).map((u) => u.name)).toEqual(["First"]);
  });

  it.each([
    [{ email: "not-an-email", name: "X", password }, "email"],
    [{ email: uniqueEmail(), name: "X", password: "short" }, "password"],
    [{ email: uniqueEmail(), name: "", password }, "name"],
    [{ email: uniqueEmail(), name: "X", password, role: "admin" }, "role"],
  ])("refuses bad input (%j) naming the field", async (input, field) => {
    const err = await (async () => createUser(database.db, CLI_ACTOR, newUser(input)))().catch((e) => e);
    expect(err.code).toBe("invalid_request");
    expect(err.detail).toContain(field);
    if (input.email.includes("@")) expect(await findUserByEmail(database.db, input.email)).toBeNull();
  });

  it("disabling ends every session at once; enabling lets the person sign in again", async () => {
    const staff = await createUser(
      database.db,
      CLI_ACTOR,
      newUser({
        email: uniqueEmail("staff"),
        name: "Staff",
        password,
        role: "staff",
      }),
    );
    const actor: Actor = { id: staff.id, label: staff.email, ip: "192.0.2.1" };
    const u = await createUser(database.db, CLI_ACTOR, newUser({ email: uniqueEmail(), name: "P", password }));
    const a = await createSession(database.db, { userId: u.id, ip: null, userAgent: null, days: 30 });
    const b = await createSession(database.db, { userId: u.id, ip: null, userAgent: null, days: 30 });
    expect(await resolveSession(database.db, a.token)).not.toBeNull();

    const disabled = await setUserDisabled(database.db, actor, u.id, true);
    expect(disabled.disabledAt).toBeInstanceOf(Date);
    expect(await resolveSession(database.db, a.token)).toBeNull();
    expect(await resolveSession(database.db, b.token)).toBeNull();

    await setUserDisabled(database.db, actor, u.id, false);
    expect(await resolveSession(database.db, a.token)).toBeNull(); // ended sessions stay ended
    const c = await createSession(database.db, { userId: u.id, ip: null, userAgent: null, days: 30 });
    expect(await resolveSession(database.db, c.token)).not.toBeNull();

    const actions = (await listAuditEvents(database.db, { userId: u.id })).map((e) => [
      e.action,
      e.actorId,
      e.ip,
      e.detail,
    ]);
    expect(actions).toContainEqual(["account.disabled", staff.id, "192.0.2.1", { sessionsEnded: 2 }]);
    expect(actions).toContainEqual(["account.enabled", staff.id, "192.0.2.1", {}]);
  });

  it("changes roles, but never one's own account", async () => {
    const staff = await createUser(
      database.db,
      CLI_ACTOR,
      newUser({
        email: uniqueEmail("staff"),
        name: "Staff",
        password,
        role: "staff",
      }),
    );
    const actor: Actor = { id: staff.id, label: staff.email, ip: null };
    const u = await createUser(database.db, CLI_ACTOR, newUser({ email: uniqueEmail(), name: "P", password }));
    expect((await setUserRole(database.db, actor, u.id, "staff")).role).toBe("staff");
    expect((await setUserRole(database.db, actor, staff.id, "participant").catch((e) => e)).code).toBe("conflict");
    expect((await setUserDisabled(database.db, actor, staff.id, true).catch((e) => e)).code).toBe("conflict");
    const [me] = await database.db.select().from(users).where(eq(users.id, staff.id));
    expect(me.role).toBe("staff");
    expect(me.disabledAt).toBeNull();
    expect((await setUserRole(database.db, actor, "usr_AAAAAAAAAAAAAAAA", "staff").catch((e) => e)).code).toBe(
      "not_found",
    );
  });

  it("finds accounts by part of the email or name, treating % and _ literally", async () => {
    const email = uniqueEmail("searchable");
    await createUser(database.db, CLI_ACTOR, newUser({ email, name: "Zebediah Quist", password }));
    expect((await listUsers(database.db, "zebediah q")).map((u) => u.email)).toContain(email);
    expect((await listUsers(database.db, email.slice(0, 14))).map((u) => u.email)).toContain(email);
    expect(await listUsers(database.db, "%%%")).toEqual([]);
  });
});

describe("audit log", () => {
  it("is append-only: updates and deletes are refused by the database", async () => {
    await createUser(database.db, CLI_ACTOR, newUser({ email: uniqueEmail(), name: "A", password }));
    const { sql } = await import("drizzle-orm");
    await expect(database.db.execute(sql`update audit_events set action = 'x'`)).rejects.toThrow();
    await expect(database.db.execute(sql`delete from audit_events`)).rejects.toThrow();
    await expect(database.db.execute(sql`truncate audit_events`)).rejects.toThrow();
  });
});

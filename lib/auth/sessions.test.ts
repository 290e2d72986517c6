import { newUser as newUserInput } from "@/lib/accounts/schemas";
import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { createUser } from "../accounts/users";
import { CLI_ACTOR } from "../audit/record";
import type { Database } from "../db/client";
import { uniqueEmail } from "../db/test-database";
import {
  createSession,
  endSessionByToken,
  listActiveSessions,
  resolveSession,
  revokeAllSessions,
  revokeSession,
} from "./sessions";
import { withTestDatabase } from "../test-helpers";

let database: Database;
withTestDatabase((d) => {
  database = d;
});

async function newUser() {
  return createUser(
    database.db,
    CLI_ACTOR,
    newUserInput({ email: uniqueEmail(), name: "S", password: "correct horse battery" }),
  );
}

describe("server-side sessions", () => {
  it("stores only the token's hash and resolves the token to its account", async () => {
    const u = await newUser();
    const s = await createSession(database.db, { userId: u.id, ip: "192.0.2.1", userAgent: "Firefox", days: 30 });
    const dump = JSON.stringify(await database.db.execute(sql`select * from auth_sessions where id = ${s.id}`));
    expect(dump).not.toContain(s.token);
    expect((await resolveSession(database.db, s.token))?.user.id).toBe(u.id);
    expect(await resolveSession(database.db, s.token.slice(0, -1) + (s.token.endsWith("A") ? "B" : "A"))).toBeNull();
    expect(await resolveSession(database.db, "not a token")).toBeNull();
  });

  it("a user ends one session; another account's session id is not found", async () => {
    const u = await newUser();
    const other = await newUser();
    const keep = await createSession(database.db, { userId: u.id, ip: null, userAgent: null, days: 30 });
    const end = await createSession(database.db, { userId: u.id, ip: null, userAgent: null, days: 30 });
    const foreign = await createSession(database.db, { userId: other.id, ip: null, userAgent: null, days: 30 });
    const actor = { id: u.id, label: u.email, ip: null };
    await revokeSession(database.db, actor, u.id, end.id);
    expect(await resolveSession(database.db, end.token)).toBeNull();
    expect(await resolveSession(database.db, keep.token)).not.toBeNull();
    expect((await revokeSession(database.db, actor, u.id, foreign.id).catch((e) => e)).code).toBe("not_found");
    expect(await resolveSession(database.db, foreign.token)).not.toBeNull();
    expect((await listActiveSessions(database.db, u.id)).map((s) => s.id)).toEqual([keep.id]);
  });

  it("sign out everywhere ends every session of the account", async () => {
    const u = await newUser();
    const tokens = await Promise.all(
      [1, 2, 3].map(() => createSession(database.db, { userId: u.id, ip: null, userAgent: null, days: 30 })),
    );
    expect(await revokeAllSessions(database.db, { id: u.id, label: u.email, ip: null }, u.id)).toBe(3);
    for (const t of tokens) expect(await resolveSession(database.db, t.token)).toBeNull();
    expect(await listActiveSessions(database.db, u.id)).toEqual([]);
  });

  it("an expired session and a signed-out one are no longer valid", async () => {
    const u = await newUser();
    const expired = await createSession(database.db, { userId: u.id, ip: null, userAgent: null, days: -1 });
    expect(await resolveSession(database.db, expired.token)).toBeNull();
    const s = await createSession(database.db, { userId: u.id, ip: null, userAgent: null, days: 30 });
    await endSessionByToken(database.db, s.token);
    expect(await resolveSession(database.db, s.token)).toBeNull();
  });
});

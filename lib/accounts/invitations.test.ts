import { acceptInput, invitationInput, newUser } from "@/lib/accounts/schemas";
import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { CLI_ACTOR, type Actor } from "../audit/record";
import { listAuditEvents } from "../audit/read";
import { authenticate } from "../auth/sign-in";
import type { Database } from "../db/client";
import { uniqueEmail } from "../db/test-database";
import {
  acceptInvitation,
  createInvitation,
  listPendingInvitations,
  lookupInvitation,
  renewInvitation,
  revokeInvitation,
} from "./invitations";
import { createUser, findUserByEmail } from "./users";
import { withTestDatabase } from "../test-helpers";

let database: Database;
let staff: Actor;
const opts = { days: 7, publicUrl: "https://claimlink.example.org" };
const password = "a long chosen password";
const tokenOf = (link: string) => link.split("#")[1];

withTestDatabase(async (d) => {
  database = d;
  const s = await createUser(
    database.db,
    CLI_ACTOR,
    newUser({
      email: uniqueEmail("staff"),
      name: "Staff",
      password,
      role: "staff",
    }),
  );
  staff = { id: s.id, label: s.email, ip: null };
});

describe("invitations", () => {
  it("puts the token in the link's fragment, stores only its hash, and is valid 7 days", async () => {
    const email = uniqueEmail();
    const { link, invitation } = await createInvitation(
      database.db,
      staff,
      invitationInput({ email, name: "Pat" }),
      opts,
    );
    expect(link).toMatch(/^https:\/\/claimlink\.example\.org\/invite#[A-Za-z0-9_-]{43}$/);
    const days = (invitation.expiresAt.getTime() - invitation.createdAt.getTime()) / 86_400_000;
    expect(days).toBeCloseTo(7, 3);
    const stored = await database.db.execute(sql`select token_hash from invitations where id = ${invitation.id}`);
    expect(JSON.stringify(stored)).not.toContain(tokenOf(link));
  });

  it("lets the invitee choose a password once, then sign in with it", async () => {
    const email = uniqueEmail();
    const { link } = await createInvitation(
      database.db,
      staff,
      invitationInput({ email, name: "Pat", role: "participant" }),
      opts,
    );
    expect(await lookupInvitation(database.db, tokenOf(link))).toMatchObject({ email, name: "Pat" });
    const user = await acceptInvitation(database.db, acceptInput({ token: tokenOf(link), password }), "192.0.2.7");
    expect(user).toMatchObject({ email, name: "Pat", role: "participant" });
    expect((await authenticate(database.db, { email, password }, null)).ok).toBe(true);

    const again = await acceptInvitation(
      database.db,
      acceptInput({ token: tokenOf(link), password: "another password" }),
      null,
    ).catch((e) => e);
    expect(again.code).toBe("not_found");
    expect((await lookupInvitation(database.db, tokenOf(link)).catch((e) => e)).code).toBe("not_found");
    const events = (await listAuditEvents(database.db, { userId: user.id })).map((e) => e.action);
    expect(events).toContain("invitation.accepted");
  });

  it("gives one message for unknown, used, expired, revoked and malformed tokens", async () => {
    const expired = await createInvitation(database.db, staff, invitationInput({ email: uniqueEmail(), name: "E" }), {
      ...opts,
      days: -1 + 1e-9,
    });
    const revoked = await createInvitation(
      database.db,
      staff,
      invitationInput({ email: uniqueEmail(), name: "R" }),
      opts,
    );
    await revokeInvitation(database.db, staff, revoked.invitation.id);
    const messages = new Set<string>();
    for (const token of [tokenOf(expired.link), tokenOf(revoked.link), "A".repeat(43), "short", 12]) {
      const err = await lookupInvitation(database.db, token).catch((e) => e);
      expect(err.code).toBe("not_found");
      messages.add(err.detail);
    }
    expect(messages.size).toBe(1);
  });

  it("answers the same for an invitation whose email got an account meanwhile, and creates nothing", async () => {
    const email = uniqueEmail();
    const { link } = await createInvitation(database.db, staff, invitationInput({ email, name: "Late" }), opts);
    await createUser(database.db, CLI_ACTOR, newUser({ email, name: "Early", password }));
    const err = await acceptInvitation(database.db, acceptInput({ token: tokenOf(link), password }), null).catch(
      (e) => e,
    );
    expect(err.code).toBe("not_found");
    expect((await findUserByEmail(database.db, email))?.name).toBe("Early");
    // The failed acceptance rolled back: the invitation is still pending, not consumed.
    expect((await listPendingInvitations(database.db)).map((i) => i.email)).toContain(email);
  });

  it("tells staff when the email already has an account", async () => {
    const email = uniqueEmail();
    await createUser(database.db, CLI_ACTOR, newUser({ email, name: "A", password }));
    expect(
      (await createInvitation(database.db, staff, invitationInput({ email, name: "A" }), opts).catch((e) => e)).code,
    ).toBe("email_taken");
  });

  it("a new link voids the old one; a second invitation for one email supersedes the first", async () => {
    const email = uniqueEmail();
    const first = await createInvitation(database.db, staff, invitationInput({ email, name: "A" }), opts);
    const renewed = await renewInvitation(database.db, staff, first.invitation.id, opts);
    expect((await lookupInvitation(database.db, tokenOf(first.link)).catch((e) => e)).code).toBe("not_found");
    expect(await lookupInvitation(database.db, tokenOf(renewed.link))).toMatchObject({ email });
    const second = await createInvitation(database.db, staff, invitationInput({ email, name: "A2" }), opts);
    expect((await lookupInvitation(database.db, tokenOf(renewed.link)).catch((e) => e)).code).toBe("not_found");
    expect(
      (await acceptInvitation(database.db, acceptInput({ token: tokenOf(second.link), password }), null)).name,
    ).toBe("A2");
  });

  it("refuses a weak password without consuming the invitation", async () => {
    const { link } = await createInvitation(
      database.db,
      staff,
      invitationInput({ email: uniqueEmail(), name: "W" }),
      opts,
    );
    const weak = (() => {
      try {
        return acceptInput({ token: tokenOf(link), password: "short" });
      } catch (e) {
        return e as { code: string; detail: string };
      }
    })();
    expect(weak).toMatchObject({ code: "invalid_request", detail: expect.stringContaining("password") });
    expect((await acceptInvitation(database.db, acceptInput({ token: tokenOf(link), password }), null)).name).toBe("W");
  });
});

import { newUser } from "@/lib/accounts/schemas";
import { sql } from "drizzle-orm";
import { generate } from "otplib";
import { describe, expect, it, vi } from "vitest";
import { createUser, setUserDisabled } from "../accounts/users";
import { CLI_ACTOR } from "../audit/record";
import { listAuditEvents } from "../audit/read";
import { rowsOf, type Database } from "../db/client";
import { uniqueEmail } from "../db/test-database";
import * as password from "./password";
import { countLinkAttempt } from "./limits";
import { authenticate, beginSignIn, completeSignIn } from "./sign-in";
import { confirmTwoFactorEnrolment, resetTwoFactor, startTwoFactorEnrolment } from "./two-factor";
import { withTestDatabase } from "../test-helpers";

let database: Database;
withTestDatabase((d) => {
  database = d;
});

const pw = "correct horse battery";
const freshIp = () =>
  `198.51.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}-${Date.now() % 1e6}`;

/** A /64 no other test (or earlier run on the same PostgreSQL) has used, as its first four groups. */
const freshV6Net = () => {
  const r = () => Math.floor(Math.random() * 0xffff).toString(16);
  return `2001:db8:${r()}:${r()}`;
};

async function account(role: "participant" | "staff" = "participant") {
  const email = uniqueEmail();
  const u = await createUser(database.db, CLI_ACTOR, newUser({ email, name: "A", password: pw, role }));
  return { email, id: u.id };
}

async function countOf(key: string): Promise<number> {
  const [row] = rowsOf<{ count: number }>(
    await database.db.execute(sql`select count from rate_limits where key = ${key}`),
  );
  return Number(row?.count ?? 0);
}

describe("sign-in: the password step", () => {
  it("accepts the right password with the email in any case", async () => {
    const { email, id } = await account();
    const r = await authenticate(database.db, { email: ` ${email.toUpperCase()} `, password: pw }, "203.0.113.9");
    expect(r.ok && r.user.id).toBe(id);
    expect(r.ok && r.secondFactor).toBe(false);
  });

  it("gives one answer for a wrong password, an unknown email and a disabled account, and audits each reason", async () => {
    const { email, id } = await account();
    const wrong = await authenticate(database.db, { email, password: "wrong password!" }, freshIp());
    const unknown = await authenticate(database.db, { email: uniqueEmail("nobody"), password: pw }, freshIp());
    await setUserDisabled(database.db, CLI_ACTOR, id, true);
    const disabled = await authenticate(database.db, { email, password: pw }, freshIp());
    expect([wrong, unknown, disabled]).toEqual(Array(3).fill({ ok: false, reason: "invalid_credentials" }));
    const reasons = (await listAuditEvents(database.db, { userId: id }))
      .filter((e) => e.action === "signin")
      .map((e) => e.detail.reason);
    expect(reasons).toEqual(["account_disabled", "wrong_password"]);
  });

  it("after 10 failures for an account from one address, refuses that address even the right password, not another", async () => {
    const { email } = await account();
    const ip = freshIp();
    for (let i = 0; i < 10; i++) {
      expect((await authenticate(database.db, { email, password: `guess number ${i}` }, ip)).ok).toBe(false);
    }
    const r = await authenticate(database.db, { email, password: pw }, ip);
    expect(r).toMatchObject({ ok: false, reason: "rate_limited" });
    if (!r.ok && r.reason === "rate_limited") {
      expect(r.retryAfterSeconds).toBeGreaterThan(800);
      expect(r.retryAfterSeconds).toBeLessThanOrEqual(900);
    }
    expect((await authenticate(database.db, { email, password: pw }, freshIp())).ok).toBe(true);
  });

  it("a parallel burst of 50 wrong passwords counts 50 attempts and checks at most 10 passwords", async () => {
    const { email } = await account();
    const ip = freshIp();
    const spy = vi.spyOn(password, "verifyPassword");
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => authenticate(database.db, { email, password: `burst ${i}` }, ip)),
    );
    const checked = spy.mock.calls.length;
    spy.mockRestore();
    expect(await countOf(`signin:pair:${email}|${ip}`)).toBe(50);
    expect(checked).toBe(10);
    expect(results.filter((r) => !r.ok && r.reason === "rate_limited")).toHaveLength(40);
    expect(await authenticate(database.db, { email, password: pw }, ip)).toMatchObject({ reason: "rate_limited" });
    // Refusals of one address go through the capped audit: at most 20 rows per reason.
    const rows = rowsOf<{ n: number }>(
      await database.db.execute(sql`select count(*)::int as n from audit_events where ip = ${ip}`),
    );
    expect(Number(rows[0].n)).toBeLessThanOrEqual(40);
  });

  it("a flood for an account from one address does not count against the account elsewhere", async () => {
    const { email } = await account();
    const attacker = freshIp();
    for (let i = 0; i < 150; i++) await authenticate(database.db, { email, password: "x" }, attacker);
    expect(await countOf(`signin:account:${email}`)).toBeLessThanOrEqual(10);
    expect((await authenticate(database.db, { email, password: pw }, freshIp())).ok).toBe(true);
  });

  it("past 50 failures from one address, refuses that address for every account but not other addresses", async () => {
    const ip = freshIp();
    const { email } = await account();
    for (let i = 0; i < 50; i++) await authenticate(database.db, { email: uniqueEmail("spray"), password: "x" }, ip);
    expect(await authenticate(database.db, { email, password: pw }, ip)).toMatchObject({ reason: "rate_limited" });
    expect((await authenticate(database.db, { email, password: pw }, freshIp())).ok).toBe(true);
  });

  it("counts an IPv6 network (/64) as one address, for the limit and for the refusal audit's cap", async () => {
    const net = freshV6Net();
    const { email } = await account();
    for (let i = 1; i <= 50; i++)
      await authenticate(database.db, { email: uniqueEmail("spray"), password: "x" }, `${net}::${i.toString(16)}`);
    expect(await authenticate(database.db, { email, password: pw }, `${net}:ffff:1:2:3`)).toMatchObject({
      reason: "rate_limited",
    });
    expect((await authenticate(database.db, { email, password: pw }, `${freshV6Net()}::1`)).ok).toBe(true);
    const [audited] = rowsOf<{ n: number }>(
      await database.db.execute(
        sql`select count(*)::int as n from audit_events where action = 'signin' and ip like ${net + ":%"}`,
      ),
    );
    // 20 unknown_email refusals and one rate_limited, not 50.
    expect(Number(audited.n)).toBe(21);
  });

  it("counts wrong invitation and reset links per IPv6 network (/64)", async () => {
    const net = freshV6Net();
    for (let i = 1; i <= 30; i++) await countLinkAttempt(database.db, `${net}::${i.toString(16)}`);
    await expect(countLinkAttempt(database.db, `${net}::abcd`)).rejects.toMatchObject({ code: "rate_limited" });
    await expect(countLinkAttempt(database.db, `${freshV6Net()}::abcd`)).resolves.toBeUndefined();
  });

  it("treats malformed input as a failed attempt, not an error", async () => {
    expect(await authenticate(database.db, { email: 42, password: null }, freshIp())).toEqual({
      ok: false,
      reason: "invalid_credentials",
    });
    expect(await authenticate(database.db, undefined, null)).toEqual({ ok: false, reason: "invalid_credentials" });
  });
});

describe("sign-in: the second step", () => {
  async function enrolled() {
    const a = await account();
    const { secret } = await startTwoFactorEnrolment(database.db, a.id);
    const actor = { id: a.id, label: a.email, ip: null };
    const earlier = await generate({ secret, epoch: Math.floor(Date.now() / 1000) - 30 });
    const { recoveryCodes } = await confirmTwoFactorEnrolment(database.db, actor, a.id, earlier);
    return { ...a, secret, recoveryCodes };
  }

  it("without two-factor, the ticket alone completes the sign-in, once", async () => {
    const { email, id } = await account();
    const ip = freshIp();
    const b = await beginSignIn(database.db, { email, password: pw }, ip);
    expect(b).toMatchObject({ ok: true, secondFactor: false });
    if (!b.ok) return;
    expect(await completeSignIn(database.db, { ticket: b.ticket }, ip)).toMatchObject({ ok: true, user: { id } });
    expect(await completeSignIn(database.db, { ticket: b.ticket }, ip)).toEqual({
      ok: false,
      reason: "ticket_expired",
    });
  });

  it("with two-factor: a current code signs in, the same code never twice, a recovery code once", async () => {
    const a = await enrolled();
    const ip = freshIp();
    const first = await beginSignIn(database.db, { email: a.email, password: pw }, ip);
    expect(first).toMatchObject({ ok: true, secondFactor: true });
    if (!first.ok) return;
    expect(await completeSignIn(database.db, { ticket: first.ticket, code: "000000" }, ip)).toEqual({
      ok: false,
      reason: "invalid_code",
    });
    const code = await generate({ secret: a.secret });
    expect(await completeSignIn(database.db, { ticket: first.ticket, code }, ip)).toMatchObject({
      ok: true,
      secondFactor: "totp",
    });
    const second = await beginSignIn(database.db, { email: a.email, password: pw }, ip);
    if (!second.ok) throw new Error("password step failed");
    expect(await completeSignIn(database.db, { ticket: second.ticket, code }, ip)).toEqual({
      ok: false,
      reason: "invalid_code",
    });
    const recovery = a.recoveryCodes[0].toLowerCase();
    expect(await completeSignIn(database.db, { ticket: second.ticket, code: recovery }, ip)).toMatchObject({
      ok: true,
      secondFactor: "recovery_code",
    });
    const third = await beginSignIn(database.db, { email: a.email, password: pw }, ip);
    if (!third.ok) throw new Error("password step failed");
    expect(await completeSignIn(database.db, { ticket: third.ticket, code: recovery }, ip)).toEqual({
      ok: false,
      reason: "invalid_code",
    });
    const actions = (await listAuditEvents(database.db, { userId: a.id })).map((e) => e.action);
    expect(actions).toContain("two_factor.enabled");
    expect(actions).toContain("two_factor.recovery_code_used");
  });

  it("a ticket is void after 5 wrong codes; wrong codes count like wrong passwords", async () => {
    const a = await enrolled();
    const ip = freshIp();
    const b = await beginSignIn(database.db, { email: a.email, password: pw }, ip);
    if (!b.ok) throw new Error("password step failed");
    for (let i = 0; i < 5; i++) await completeSignIn(database.db, { ticket: b.ticket, code: "123456" }, ip);
    const code = await generate({ secret: a.secret });
    expect(await completeSignIn(database.db, { ticket: b.ticket, code }, ip)).toEqual({
      ok: false,
      reason: "ticket_expired",
    });
    expect(await countOf(`signin:pair:${a.email}|${ip}`)).toBe(6); // the password step and 5 codes
  });

  it("staff reset ends the account's two-factor and its sessions; the password alone then signs in", async () => {
    const a = await enrolled();
    const staff = await account("staff");
    const r = await resetTwoFactor(database.db, { id: staff.id, label: staff.email, ip: null }, a.id);
    expect(r.sessionsEnded).toBe(0);
    const b = await beginSignIn(database.db, { email: a.email, password: pw }, freshIp());
    expect(b).toMatchObject({ ok: true, secondFactor: false });
    const [event] = await listAuditEvents(database.db, { userId: a.id, limit: 1 });
    expect(event).toMatchObject({ action: "two_factor.reset", actorId: staff.id });
  });
});

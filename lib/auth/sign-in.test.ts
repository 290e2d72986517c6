import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, setUserDisabled } from "../accounts/users";
import { CLI_ACTOR } from "../audit/record";
import { listAuditEvents } from "../audit/read";
import type { Database } from "../db/client";
import { openTestDatabase, uniqueEmail } from "../db/test-database";
import { authenticate } from "./sign-in";

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

const password = "correct horse battery";
let ipCounter = 0;
const freshIp = () => `198.51.100.${(ipCounter++ % 250) + 1}-${Date.now() % 100000}`;

describe("sign-in", () => {
  it("accepts the right password with the email in any case, and audits it", async () => {
    const email = uniqueEmail();
    const u = await createUser(database.db, CLI_ACTOR, { email, name: "A", password });
    const r = await authenticate(database.db, { email: ` ${email.toUpperCase()} `, password }, "203.0.113.9");
    expect(r.ok && r.user.id).toBe(u.id);
    const [event] = await listAuditEvents(database.db, { userId: u.id, limit: 1 });
    expect(event).toMatchObject({ action: "signin", outcome: "success", ip: "203.0.113.9" });
  });

  it("gives one answer for a wrong password, an unknown email and a disabled account", async () => {
    const email = uniqueEmail();
    const u = await createUser(database.db, CLI_ACTOR, { email, name: "A", password });
    const wrong = await authenticate(database.db, { email, password: "wrong password!" }, freshIp());
    const unknown = await authenticate(database.db, { email: uniqueEmail("nobody"), password }, freshIp());
    await setUserDisabled(database.db, CLI_ACTOR, u.id, true);
    const disabled = await authenticate(database.db, { email, password }, freshIp());
    expect([wrong, unknown, disabled]).toEqual(Array(3).fill({ ok: false, reason: "invalid_credentials" }));
    const reasons = (await listAuditEvents(database.db, { userId: u.id }))
      .filter((e) => e.action === "signin")
      .map((e) => e.detail.reason);
    expect(reasons).toEqual(["account_disabled", "wrong_password"]);
  });

  it("after 10 failures for an account, refuses even the right password and says when to retry", async () => {
    const email = uniqueEmail();
    await createUser(database.db, CLI_ACTOR, { email, name: "A", password });
    for (let i = 0; i < 10; i++) {
      expect((await authenticate(database.db, { email, password: `guess number ${i}` }, freshIp())).ok).toBe(false);
    }
    const r = await authenticate(database.db, { email, password }, freshIp());
    expect(r).toMatchObject({ ok: false, reason: "rate_limited" });
    if (!r.ok && r.reason === "rate_limited") {
      expect(r.retryAfterSeconds).toBeGreaterThan(800);
      expect(r.retryAfterSeconds).toBeLessThanOrEqual(900);
    }
  });

  it("after 10 failures from one IP, refuses that IP for every account but not other IPs", async () => {
    const ip = freshIp();
    const email = uniqueEmail();
    await createUser(database.db, CLI_ACTOR, { email, name: "A", password });
    for (let i = 0; i < 10; i++) await authenticate(database.db, { email: uniqueEmail("spray"), password }, ip);
    expect(await authenticate(database.db, { email, password }, ip)).toMatchObject({ reason: "rate_limited" });
    expect((await authenticate(database.db, { email, password }, freshIp())).ok).toBe(true);
  });

  it("treats malformed input as a failed attempt, not an error", async () => {
    expect(await authenticate(database.db, { email: 42, password: null }, freshIp())).toEqual({ ok: false, reason: "invalid_credentials" });
    expect(await authenticate(database.db, undefined, null)).toEqual({ ok: false, reason: "invalid_credentials" });
  });
});

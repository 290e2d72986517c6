import { newUser } from "@/lib/accounts/schemas";
import { generate } from "otplib";
import { describe, expect, it } from "vitest";
import { createUser } from "../accounts/users";
import { CLI_ACTOR } from "../audit/record";
import { listAuditEvents } from "../audit/read";
import type { Database } from "../db/client";
import { uniqueEmail } from "../db/test-database";
import { createSession, resolveSession } from "./sessions";
import {
  confirmTwoFactorEnrolment,
  disableTwoFactor,
  regenerateRecoveryCodes,
  startTwoFactorEnrolment,
} from "./two-factor";
import { withTestDatabase } from "../test-helpers";

let database: Database;
withTestDatabase((d) => {
  database = d;
});

let n = 0;
const freshIp = () => `192.0.2.${n++ % 250}-${Date.now() % 1e6}`;

async function account() {
  const email = uniqueEmail("2fa");
  const u = await createUser(
    database.db,
    CLI_ACTOR,
    newUser({ email, name: "A", password: "correct horse battery", role: "participant" }),
  );
  return { email, id: u.id };
}

async function enrolled(ip = freshIp()) {
  const a = await account();
  const actor = { id: a.id, label: a.email, ip };
  const { secret } = await startTwoFactorEnrolment(database.db, a.id);
  const earlier = await generate({ secret, epoch: Math.floor(Date.now() / 1000) - 30 });
  await confirmTwoFactorEnrolment(database.db, actor, a.id, earlier);
  return { ...a, actor, secret };
}

describe("two-factor codes for a signed-in account", () => {
  it("counts wrong codes for new recovery codes like sign-in: past 10, even the right code is refused (429)", async () => {
    const a = await enrolled();
    for (let i = 0; i < 10; i++)
      await expect(regenerateRecoveryCodes(database.db, a.actor, a.id, "000000")).rejects.toMatchObject({
        code: "invalid_request",
      });
    const right = await generate({ secret: a.secret });
    await expect(regenerateRecoveryCodes(database.db, a.actor, a.id, right)).rejects.toMatchObject({
      code: "rate_limited",
      status: 429,
    });
    await expect(disableTwoFactor(database.db, a.actor, a.id, right)).rejects.toMatchObject({ code: "rate_limited" });
  });

  it("counts wrong codes for switching two-factor off the same way; a right code within the limit works", async () => {
    const a = await enrolled();
    for (let i = 0; i < 9; i++)
      await expect(disableTwoFactor(database.db, a.actor, a.id, "12345678901234567")).rejects.toMatchObject({
        code: "invalid_request",
      });
    const right = await generate({ secret: a.secret });
    await expect(disableTwoFactor(database.db, a.actor, a.id, right)).resolves.toBeUndefined();
  });

  it("switching two-factor on ends the account's other sessions and keeps the one that switched it on", async () => {
    const a = await account();
    const ip = freshIp();
    const mine = await createSession(database.db, { userId: a.id, ip, userAgent: "mine", days: 1 });
    const thief = await createSession(database.db, { userId: a.id, ip: "203.0.113.66", userAgent: "x", days: 1 });
    const { secret } = await startTwoFactorEnrolment(database.db, a.id);
    const code = await generate({ secret });
    const r = await confirmTwoFactorEnrolment(database.db, { id: a.id, label: a.email, ip }, a.id, code, mine.id);
    expect(r.sessionsEnded).toBe(1);
    expect(await resolveSession(database.db, mine.token)).not.toBeNull();
    expect(await resolveSession(database.db, thief.token)).toBeNull();
    const [event] = await listAuditEvents(database.db, { userId: a.id, action: "two_factor.enabled", limit: 1 });
    expect(event.detail).toMatchObject({ sessionsEnded: 1 });
  });
});

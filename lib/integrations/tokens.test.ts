import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, apiTokens, users } from "../db/schema";
import { sha256Hex } from "../crypto/tokens";
import { grantResearcher } from "../studies/access";
import { insertAccount, studyTestBed } from "../studies/test-fixtures";
import { authenticateToken } from "./token-auth";
import { createToken, listTokensOf, revokeToken } from "./tokens";

const bed = studyTestBed();
const use = { ip: "192.0.2.44", method: "GET", path: "/api/v1/staff/devices", perMinute: 5 };
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: { code?: string }) => e.code ?? String(e),
  );

async function account(role: "participant" | "staff" | "support" | "researcher") {
  const a = await insertAccount(bed.db, role);
  if (role !== "participant") await bed.db.update(users).set({ role }).where(eq(users.id, a.id));
  return { ...a, role };
}

describe("API tokens", () => {
  it("is shown once, kept only as a hash, and authenticates for its scope", async () => {
    const staff = await account("staff");
    const { token, view } = await createToken(bed.db, staff, staff, { name: "Dashboard", scopes: ["fleet:read"] });
    expect(token).toMatch(/^clk_[A-Z2-7]{52}$/);
    expect(view).toMatchObject({
      name: "Dashboard",
      scopes: ["fleet:read"],
      state: "active",
      prefix: token.slice(0, 8),
    });
    const [row] = await bed.db.select().from(apiTokens).where(eq(apiTokens.id, view.id));
    expect(row.tokenHash).toBe(sha256Hex(token));
    expect(JSON.stringify(row)).not.toContain(token);
    // 90 days by default.
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(90 * 86_400_000);
    const caller = await authenticateToken(bed.db, token, "fleet:read", use);
    expect(caller.user.id).toBe(staff.id);
    expect(caller.tokenId).toBe(view.id);
    // A staff-scope use is audited; last use recorded.
    const used = await bed.db.select().from(auditEvents).where(eq(auditEvents.action, "token.used"));
    expect(used.some((e) => (e.detail as { tokenId?: string }).tokenId === view.id)).toBe(true);
    expect((await listTokensOf(bed.db, staff.id))[0].lastUsedAt).not.toBeNull();
  });

  it("refuses what it does not hold, and a malformed, unknown, revoked or expired token", async () => {
    const staff = await account("staff");
    const { token, view } = await createToken(bed.db, staff, staff, { name: "Audit", scopes: ["audit:read"] });
    expect(await codeOf(authenticateToken(bed.db, token, "fleet:read", use))).toBe("insufficient_scope");
    expect(await codeOf(authenticateToken(bed.db, "clk_short", "audit:read", use))).toBe("invalid_token");
    expect(await codeOf(authenticateToken(bed.db, `clk_${"A".repeat(52)}`, "audit:read", use))).toBe("invalid_token");
    // A changed last character is another token.
    const other = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    expect(await codeOf(authenticateToken(bed.db, other, "audit:read", use))).toBe("invalid_token");
    await revokeToken(bed.db, staff, view.id, staff.id);
    expect(await codeOf(authenticateToken(bed.db, token, "audit:read", use))).toBe("invalid_token");

    const expiring = await createToken(bed.db, staff, staff, {
      name: "Soon",
      scopes: ["audit:read"],
      expiresInDays: 1,
    });
    await bed.db
      .update(apiTokens)
      .set({ createdAt: new Date(Date.now() - 2 * 86_400_000), expiresAt: new Date(Date.now() - 1000) })
      .where(eq(apiTokens.id, expiring.view.id));
    expect(await codeOf(authenticateToken(bed.db, expiring.token, "audit:read", use))).toBe("invalid_token");
    expect((await listTokensOf(bed.db, staff.id)).map((t) => t.state).sort()).toEqual(["expired", "revoked"]);
  });

  it("never outlives its owner's rights: a disabled account, or staff become participant, is refused", async () => {
    const staff = await account("staff");
    const { token } = await createToken(bed.db, staff, staff, {
      name: "Fleet",
      scopes: ["fleet:read", "devices:read"],
    });
    await bed.db.update(users).set({ role: "participant" }).where(eq(users.id, staff.id));
    expect(await codeOf(authenticateToken(bed.db, token, "fleet:read", use))).toBe("insufficient_scope");
    expect(await codeOf(authenticateToken(bed.db, token, "devices:read", use))).toBe("ok");
    await bed.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, staff.id));
    expect(await codeOf(authenticateToken(bed.db, token, "devices:read", use))).toBe("invalid_token");
  });

  it("ends with its account: deleting the account revokes its tokens", async () => {
    const { deleteAccount } = await import("../accounts/delete-account");
    const p = await account("participant");
    const { token, view } = await createToken(bed.db, p, p, { name: "Mine", scopes: ["devices:read"] });
    await deleteAccount(bed.db, { id: p.id, label: p.email, ip: null }, p.id);
    expect(await codeOf(authenticateToken(bed.db, token, "devices:read", use))).toBe("invalid_token");
    const [row] = await bed.db.select().from(apiTokens).where(eq(apiTokens.id, view.id));
    expect(row.revokedAt).not.toBeNull();
  });

  it("offers each scope only to whom may read it, and a study only to its readers", async () => {
    const p = await account("participant");
    expect(await codeOf(createToken(bed.db, p, p, { name: "x", scopes: ["fleet:read"] }))).toBe("forbidden");
    expect(await codeOf(createToken(bed.db, p, p, { name: "x", scopes: ["audit:read"] }))).toBe("forbidden");
    expect(await codeOf(createToken(bed.db, p, p, { name: "x", scopes: ["devices:read"] }))).toBe("ok");
    const study = await bed.openStudy();
    const other = await bed.openStudy();
    const r = await account("researcher");
    expect(await codeOf(createToken(bed.db, r, r, { name: "x", scopes: [`study:${study.id}:read`] }))).toBe(
      "forbidden",
    );
    await grantResearcher(bed.db, bed.staff, study.id, r.id);
    const { token } = await createToken(bed.db, r, r, { name: "Nightly", scopes: [`study:${study.id}:read`] });
    expect(await codeOf(authenticateToken(bed.db, token, "study:read", { ...use, studyId: study.id }))).toBe("ok");
    expect(await codeOf(authenticateToken(bed.db, token, "study:read", { ...use, studyId: other.id }))).toBe(
      "insufficient_scope",
    );
    expect(await codeOf(authenticateToken(bed.db, token, "fleet:read", use))).toBe("insufficient_scope");
  });

  it("refuses bad input and changes nothing", async () => {
    const staff = await account("staff");
    const before = (await listTokensOf(bed.db, staff.id)).length;
    for (const input of [
      { name: "", scopes: ["fleet:read"] },
      { name: "x", scopes: [] },
      { name: "x", scopes: ["fleet:write"] },
      { name: "x", scopes: ["fleet:read", "fleet:read"] },
      { name: "x", scopes: ["fleet:read"], expiresInDays: 366 },
      { name: "x", scopes: ["fleet:read"], expiresInDays: 0 },
      { name: "x", scopes: ["study:stu_NOTASTUDY:read"] },
      { name: "x", scopes: ["fleet:read"], owner: "someone" },
    ])
      expect(await codeOf(createToken(bed.db, staff, staff, input))).toBe("invalid_request");
    expect((await listTokensOf(bed.db, staff.id)).length).toBe(before);
  });

  it("is rate limited per token, and another person cannot revoke it", async () => {
    const staff = await account("staff");
    const { token, view } = await createToken(bed.db, staff, staff, { name: "Busy", scopes: ["fleet:read"] });
    for (let i = 0; i < use.perMinute; i++) await authenticateToken(bed.db, token, "fleet:read", use);
    const refused = await authenticateToken(bed.db, token, "fleet:read", use).catch((e) => e);
    expect(refused.code).toBe("rate_limited");
    expect(refused.extra.retryAfterSeconds).toBeGreaterThan(0);
    const stranger = await account("participant");
    expect(await codeOf(revokeToken(bed.db, stranger, view.id, stranger.id))).toBe("not_found");
    expect((await listTokensOf(bed.db, staff.id)).find((t) => t.id === view.id)?.state).toBe("active");
  });
});

import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { handleApiRequest } from "../api/router";
import { CLI_ACTOR } from "../audit/record";
import { createSession } from "../auth/sessions";
import type { Db } from "../db/client";
import { apiTokens, users } from "../db/schema";
import { insertAccount } from "../provisioning/test-fixtures";
import { withAppDatabase } from "../test-helpers";
import { createToken, revokeToken } from "./tokens";

// API tokens at the router, as a program meets them over HTTP, on whichever database the run
// uses (PGlite, or PostgreSQL with DATABASE_URL): a token is judged alone, by its scope and its
// life; a cookie never rescues a refused token, and a token never opens a session's route
// (decision 0018, docs/integrations.md). e2e/tokens.spec.ts walks the pages that make them.

let db: Db;
withAppDatabase((d) => {
  db = d;
});

function send(path: string, headers: Record<string, string> = {}, method = "GET") {
  return handleApiRequest(new Request(`http://localhost:3000${path}`, { method, headers }));
}

async function refusal(res: Response) {
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  return { status: res.status, code: ((await res.json()) as { code: string }).code };
}

async function participantWithToken() {
  const person = { ...(await insertAccount(db, "token-http")), role: "participant" as const };
  const { token, view } = await createToken(db, CLI_ACTOR, person, { name: "Script", scopes: ["devices:read"] });
  const session = await createSession(db, { userId: person.id, ip: null, userAgent: null, days: 1 });
  return { person, token, tokenId: view.id, cookie: `authjs.session-token=${session.token}` };
}

describe("API tokens over HTTP", () => {
  it("read what their scope allows, and get 403 outside it", async () => {
    const { token } = await participantWithToken();
    const mine = await send("/api/v1/devices", { authorization: `Bearer ${token}` });
    expect(mine.status).toBe(200);
    expect(await mine.json()).toMatchObject({ owned: [] });
    expect(await refusal(await send("/api/v1/staff/devices", { authorization: `Bearer ${token}` }))).toEqual({
      status: 403,
      code: "insufficient_scope",
    });
  });

  it("are refused with 401 once expired or revoked", async () => {
    const expired = await participantWithToken();
    await db
      .update(apiTokens)
      .set({ createdAt: new Date(Date.now() - 2 * 86_400_000), expiresAt: new Date(Date.now() - 1000) })
      .where(eq(apiTokens.id, expired.tokenId));
    expect(await refusal(await send("/api/v1/devices", { authorization: `Bearer ${expired.token}` }))).toEqual({
      status: 401,
      code: "invalid_token",
    });

    const revoked = await participantWithToken();
    await revokeToken(db, CLI_ACTOR, revoked.tokenId, revoked.person.id);
    expect(await refusal(await send("/api/v1/devices", { authorization: `Bearer ${revoked.token}` }))).toEqual({
      status: 401,
      code: "invalid_token",
    });
  });

  it("are refused when their holder's account is disabled, at the next request", async () => {
    const { person, token } = await participantWithToken();
    expect((await send("/api/v1/devices", { authorization: `Bearer ${token}` })).status).toBe(200);
    await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, person.id));
    expect(await refusal(await send("/api/v1/devices", { authorization: `Bearer ${token}` }))).toEqual({
      status: 401,
      code: "invalid_token",
    });
  });

  it("decide alone: a live session cookie does not rescue a refused token", async () => {
    const { token, cookie } = await participantWithToken();
    // The cookie alone reads the route (it is also a person's page's route).
    expect((await send("/api/v1/devices", { cookie })).status).toBe(200);
    // With a made-up, a revoked or an out-of-scope bearer beside it, the token decides.
    expect(
      await refusal(await send("/api/v1/devices", { cookie, authorization: `Bearer clk_${"A".repeat(52)}` })),
    ).toEqual({ status: 401, code: "invalid_token" });
    const revoked = await participantWithToken();
    await revokeToken(db, CLI_ACTOR, revoked.tokenId, revoked.person.id);
    expect(
      await refusal(
        await send("/api/v1/devices", { cookie: revoked.cookie, authorization: `Bearer ${revoked.token}` }),
      ),
    ).toEqual({ status: 401, code: "invalid_token" });
    expect(await refusal(await send("/api/v1/staff/devices", { cookie, authorization: `Bearer ${token}` }))).toEqual({
      status: 403,
      code: "insufficient_scope",
    });
  });

  it("never open a route that takes a session only, nor any write, even beside a cookie", async () => {
    const { token, cookie } = await participantWithToken();
    for (const [path, method] of [
      ["/api/v1/me/sessions", "GET"],
      ["/api/v1/me/tokens", "GET"],
      ["/api/v1/me/locale", "PUT"],
    ] as const) {
      for (const headers of [
        { authorization: `Bearer ${token}` },
        { authorization: `Bearer ${token}`, cookie },
      ] as Record<string, string>[])
        expect(await refusal(await send(path, headers, method)), `${method} ${path}`).toEqual({
          status: 401,
          code: "token_not_accepted",
        });
    }
    // The same session reads its own sessions without the token.
    expect((await send("/api/v1/me/sessions", { cookie })).status).toBe(200);
  });
});

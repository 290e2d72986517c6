import { newUser as newUserInput } from "@/lib/accounts/schemas";
import { describe, expect, it } from "vitest";
import { createUser } from "../accounts/users";
import { CLI_ACTOR } from "../audit/record";
import type { Database } from "../db/client";
import { uniqueEmail } from "../db/test-database";
import { cookieValue, sessionCookieName, userOfCookie } from "./request-user";
import { createSession, revokeSession } from "./sessions";
import { withTestDatabase } from "../test-helpers";

// API routes read the session from the request's own Cookie header (under Next.js and when the
// app's server answers them itself): the same cookie next-auth sets, the same server-side lookup.

let database: Database;
withTestDatabase((d) => {
  database = d;
});

const HTTP = { publicUrl: "http://localhost:3000", staffTwoFactorRequired: true };
const HTTPS = { publicUrl: "https://claims.example.org", staffTwoFactorRequired: true };

async function signedIn(role: "participant" | "staff" = "participant") {
  const u = await createUser(
    database.db,
    CLI_ACTOR,
    newUserInput({ email: uniqueEmail(), name: "R", password: "correct horse battery", role }),
  );
  const s = await createSession(database.db, { userId: u.id, ip: null, userAgent: null, days: 30 });
  return { u, s };
}

describe("the signed-in user of an API request", () => {
  it("is the live session's account, under the cookie name next-auth uses for the public URL", async () => {
    const { u, s } = await signedIn();
    expect(sessionCookieName(HTTP.publicUrl)).toBe("authjs.session-token");
    expect(sessionCookieName(HTTPS.publicUrl)).toBe("__Secure-authjs.session-token");
    const user = await userOfCookie(database.db, `theme=dark; authjs.session-token=${s.token}`, HTTP);
    expect(user).toMatchObject({ id: u.id, email: u.email, sessionId: s.id, mustEnrol: false });
    // Over https only the __Secure- cookie counts (a plain one may have been set by anyone on http).
    expect(await userOfCookie(database.db, `authjs.session-token=${s.token}`, HTTPS)).toBeNull();
    expect((await userOfCookie(database.db, `__Secure-authjs.session-token=${s.token}`, HTTPS))?.id).toBe(u.id);
  });

  it("is nobody for a revoked session, a wrong or missing token, or a look-alike cookie", async () => {
    const { u, s } = await signedIn();
    for (const header of [
      null,
      "",
      "authjs.session-token=",
      `authjs.session-token=${s.token.slice(0, -1)}x`,
      `xauthjs.session-token=${s.token}`,
      `authjs.session-token.0=${s.token}`,
      `authjs.session-token=not a token`,
      // A name a browser does not treat as __Secure- prefixed (so anyone on plain http may set it).
      `\u00a0__Secure-authjs.session-token=${s.token}`,
    ])
      expect(
        await userOfCookie(database.db, header, header?.includes("__Secure") ? HTTPS : HTTP),
        String(header),
      ).toBeNull();
    await revokeSession(database.db, { id: u.id, label: u.email, ip: null }, u.id, s.id);
    expect(await userOfCookie(database.db, `authjs.session-token=${s.token}`, HTTP)).toBeNull();
  });

  it("marks a staff account without two-factor as one that must enrol first", async () => {
    const { s } = await signedIn("staff");
    expect((await userOfCookie(database.db, `authjs.session-token=${s.token}`, HTTP))?.mustEnrol).toBe(true);
    const relaxed = { ...HTTP, staffTwoFactorRequired: false };
    expect((await userOfCookie(database.db, `authjs.session-token=${s.token}`, relaxed))?.mustEnrol).toBe(false);
  });
});

describe("cookieValue", () => {
  it("reads the first cookie of that name, percent-decoded when it decodes, quotes removed", () => {
    expect(cookieValue("a=1; b=2; a=3", "a")).toBe("1");
    expect(cookieValue(" b = x%41y ", "b")).toBe("xAy");
    expect(cookieValue("b=%E0%A4%A", "b")).toBe("%E0%A4%A");
    expect(cookieValue('b="quoted"', "b")).toBe("quoted");
    expect(cookieValue("ab=1; a", "a")).toBeNull();
    expect(cookieValue(null, "a")).toBeNull();
  });
});

import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { getDb } from "../db/client";
import { env } from "../env";
import { clientIp } from "../http/client-ip";
import { createSession, endSessionByToken, resolveSession } from "./sessions";
import { authenticate, completeSignIn, recordSignIn } from "./sign-in";
import { servedOverHttps } from "../http/transport";
import { toSessionUser } from "./request-user";
import type { SessionUser } from "./session-user";
import { logInternalError } from "../errors/problem";

// next-auth (Credentials) with server-side sessions: the cookie is not a JWT but an opaque
// random token (jwt.encode/decode below), looked up in auth_sessions on every request. That is
// what makes a session revocable at once (docs/decisions/0002-sessions.md).

/**
 * Thrown from authorize(); its code reaches the sign-in form: "invalid_credentials",
 * "invalid_code", "ticket_expired", "second_factor_required", "rate_limited_<seconds>".
 */
class SignInRefused extends CredentialsSignin {
  constructor(code: string) {
    super();
    this.code = code;
  }
}

type Pending = { id: string; email: string; name: string; ip: string | null; userAgent: string | null };

function buildConfig(): NextAuthConfig {
  const e = env();
  return {
    secret: e.authSecret,
    trustHost: true,
    // Secure cookies whenever people use https, whatever a proxy's headers say (SECURITY.md).
    useSecureCookies: servedOverHttps(e.publicUrl),
    session: { strategy: "jwt", maxAge: e.CLAIMLINK_SESSION_DAYS * 86_400 },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: [
      Credentials({
        credentials: { email: {}, password: {}, ticket: {}, code: {} },
        async authorize(credentials, request) {
          const db = await getDb();
          const ip = clientIp(request.headers);
          // Two ways in: the sign-in form's ticket (after its password step, with the code when
          // two-factor is on), or email and password for an account without two-factor.
          let user;
          if (credentials?.ticket !== undefined) {
            const result = await completeSignIn(db, credentials, ip);
            if (!result.ok)
              throw new SignInRefused(
                result.reason === "rate_limited" ? `rate_limited_${result.retryAfterSeconds}` : result.reason,
              );
            user = result.user;
          } else {
            const result = await authenticate(db, credentials, ip);
            if (!result.ok)
              throw new SignInRefused(
                result.reason === "rate_limited" ? `rate_limited_${result.retryAfterSeconds}` : "invalid_credentials",
              );
            if (result.secondFactor) throw new SignInRefused("second_factor_required");
            await recordSignIn(db, result.user, ip, null);
            user = result.user;
          }
          const pending: Pending = {
            id: user.id,
            email: user.email,
            name: user.name,
            ip,
            userAgent: request.headers.get("user-agent"),
          };
          return pending;
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user, trigger }) {
        if (trigger === "signIn" && user) {
          const p = user as Pending;
          const db = await getDb();
          const { token: sessionToken } = await createSession(db, {
            userId: p.id,
            ip: p.ip,
            userAgent: p.userAgent,
            days: e.CLAIMLINK_SESSION_DAYS,
          });
          return { sessionToken };
        }
        return token;
      },
      async session({ session, token }) {
        const u = token.user as SessionUser | undefined;
        // Only public fields: this object is served to the browser at /api/auth/session.
        return { expires: session.expires, user: u ? { ...u } : undefined } as unknown as typeof session;
      },
    },
    jwt: {
      async encode({ token }) {
        return typeof token?.sessionToken === "string" ? token.sessionToken : "";
      },
      async decode({ token }) {
        if (!token) return null;
        const found = await resolveSession(await getDb(), token);
        if (!found) return null;
        const user = toSessionUser(found, e.staffTwoFactorRequired);
        return { sessionToken: token, user, sub: found.user.id };
      },
    },
    events: {
      async signOut(message) {
        const t = "token" in message ? message.token?.sessionToken : undefined;
        if (typeof t === "string") await endSessionByToken(await getDb(), t);
      },
    },
    logger: {
      // A refused sign-in and a revoked cookie are expected outcomes (audited), not server errors.
      error(error) {
        const type = (error as { type?: string }).type;
        if (type === "CredentialsSignin" || type === "JWTSessionError") return;
        // A database error under next-auth's wrapper is logged without the query's parameters.
        logInternalError("auth", error);
      },
    },
  };
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => buildConfig());

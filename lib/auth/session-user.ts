import type { Role } from "./roles";

/**
 * The signed-in person as every page, route and use case sees them: read from the session on
 * each request (lib/auth/request-user.ts), never from the cookie alone. Only public fields: the
 * browser reads the same object at /api/auth/session.
 */
export type SessionUser = {
  id: string;
  email: string;
  name: string;
  role: Role;
  sessionId: string;
  twoFactor: boolean;
  /** A staff account without two-factor while it is required: only /account/security is open to it. */
  mustEnrol: boolean;
  /** The language the account chose (null: the browser's). */
  locale: "nl" | "en" | null;
};

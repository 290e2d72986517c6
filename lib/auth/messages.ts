import { tryAgainIn } from "../format";

/** The sign-in form's words for a refusal code from authorize() (lib/auth/config.ts). */
export function signInMessage(code: string | undefined): string {
  const m = /^rate_limited_(\d+)$/.exec(code ?? "");
  if (m) {
    return `Too many failed attempts. ${tryAgainIn(Number(m[1]))}`;
  }
  if (code === "invalid_credentials") return "That email and password do not match an active account.";
  if (code === "invalid_code") return "That code is not right. Enter the code your app shows now, or a recovery code.";
  if (code === "ticket_expired") return "That took too long. Enter your email and password again.";
  if (code === "second_factor_required") return "This account uses two-factor sign-in: sign in on the sign-in page.";
  return "Sign-in failed. Please try again.";
}

/** Only a path on this site may be a post-sign-in destination (no open redirect). */
export function safeReturnPath(value: unknown): string {
  const s = typeof value === "string" ? value : "";
  return /^\/(?![/\\])[^\s]*$/.test(s) && s.length <= 500 ? s : "/";
}

/** The sign-in form's words for a refusal code from authorize() (lib/auth/config.ts). */
export function signInMessage(code: string | undefined): string {
  const m = /^rate_limited_(\d+)$/.exec(code ?? "");
  if (m) {
    const minutes = Math.max(1, Math.ceil(Number(m[1]) / 60));
    return `Too many failed attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
  }
  if (code === "invalid_credentials") return "That email and password do not match an active account.";
  return "Sign-in failed. Please try again.";
}

/** Only a path on this site may be a post-sign-in destination (no open redirect). */
export function safeReturnPath(value: unknown): string {
  const s = typeof value === "string" ? value : "";
  return /^\/(?![/\\])[^\s]*$/.test(s) && s.length <= 500 ? s : "/";
}

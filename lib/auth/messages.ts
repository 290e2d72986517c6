/** A sign-in refusal as the form shows it: a key of messages/*.json `signIn.errors`, and its values. */
export type SignInRefusal =
  | { key: "rate_limited"; values: { minutes: number } }
  | {
      key: "invalid_credentials" | "invalid_code" | "ticket_expired" | "second_factor_required" | "other";
      values?: undefined;
    };

/** The sign-in form's words for a refusal code from authorize() (lib/auth/config.ts). */
export function signInRefusal(code: string | undefined): SignInRefusal {
  const m = /^rate_limited_(\d+)$/.exec(code ?? "");
  if (m) return { key: "rate_limited", values: { minutes: Math.max(1, Math.ceil(Number(m[1]) / 60)) } };
  if (
    code === "invalid_credentials" ||
    code === "invalid_code" ||
    code === "ticket_expired" ||
    code === "second_factor_required"
  )
    return { key: code };
  return { key: "other" };
}

/** Only a path on this site may be a post-sign-in destination (no open redirect). */
export function safeReturnPath(value: unknown): string {
  const s = typeof value === "string" ? value : "";
  return /^\/(?![/\\])[^\s]*$/.test(s) && s.length <= 500 ? s : "/";
}

// What the claim page says for each refusal (docs/protocol.md section 2) and failed claim, and what
// it offers next. Devices branch on codes; people get sentences, from messages/*.json `claim.refusals`.

export type Next = "scan" | "devices" | "retry" | "consent";
export type RefusalKey =
  | "code_changed"
  | "session_locked"
  | "session_claimed"
  | "claim_in_progress"
  | "device_offline"
  | "quota_exceeded"
  | "device_owned_by_other"
  | "not_owner"
  | "study_required"
  | "consent_required"
  | "model_not_in_study"
  | "study_closed"
  | "study_not_found"
  | "rate_limited"
  | "user_declined"
  | "timeout"
  | "network_error"
  | "other";
export type Refusal = { key: RefusalKey; values?: { minutes: number }; next: Next };

const NEXT: Record<Exclude<RefusalKey, "code_changed" | "rate_limited" | "other">, Next> = {
  session_locked: "scan",
  session_claimed: "devices",
  claim_in_progress: "retry",
  device_offline: "scan",
  quota_exceeded: "devices",
  device_owned_by_other: "devices",
  not_owner: "devices",
  study_required: "scan",
  consent_required: "consent",
  model_not_in_study: "devices",
  study_closed: "devices",
  study_not_found: "scan",
  user_declined: "scan",
  timeout: "scan",
  network_error: "retry",
};

export function refusalFor(code: string, retryAfterSeconds?: number): Refusal {
  if (code === "session_not_found" || code === "pop_mismatch" || code === "proof_mismatch")
    return { key: "code_changed", next: "scan" };
  if (code === "rate_limited")
    return {
      key: "rate_limited",
      values: { minutes: Math.max(1, Math.ceil((retryAfterSeconds ?? 60) / 60)) },
      next: "retry",
    };
  if (Object.hasOwn(NEXT, code)) return { key: code as keyof typeof NEXT, next: NEXT[code as keyof typeof NEXT] };
  return { key: "other", next: "scan" };
}

import { errorTitle } from "@/lib/errors/app-error";

/**
 * What an audit event means, in words, for the device activity and the staff audit log. The
 * raw action and detail stay one click away (the audit log's "Details"). An action without a
 * sentence here is shown by its words ("device.bulk_command" → "Device bulk command"), so a new
 * action is never hidden; add it here when it is added to the code.
 */
const SENTENCES: Record<string, string> = {
  "account.created": "Account created",
  "account.disabled": "Account disabled",
  "account.enabled": "Account enabled",
  "account.renamed": "Display name changed",
  "account.role_changed": "Role changed",
  "account.notices_changed": "Notice settings changed",
  "session.started": "Signed in",
  signin: "Signed in",
  "session.revoked": "A sign-in session was ended",
  "sessions.revoked_all": "Signed out everywhere",
  "password.changed": "Password changed",
  "password_reset.created": "Password-reset link issued",
  "password_reset.used": "Password reset with a link",
  "two_factor.enabled": "Two-factor sign-in switched on",
  "two_factor.disabled": "Two-factor sign-in switched off",
  "two_factor.reset": "Two-factor sign-in reset",
  "two_factor.recovery_code_used": "Signed in with a recovery code",
  "two_factor.recovery_codes_regenerated": "New recovery codes made",
  "invitation.created": "Invitation sent",
  "invitation.bulk_created": "Invitations sent from a CSV file",
  "invitation.renewed": "Invitation link renewed",
  "invitation.revoked": "Invitation cancelled",
  "invitation.accepted": "Invitation accepted",
  "claim.created": "Someone started a claim",
  "claim.timeout": "A claim timed out: the device did not answer",
  "claim.declined": "A claim was declined on the device",
  "claim.pop_mismatch": "A claim with a wrong code",
  "session.locked": "Claiming locked after too many wrong codes",
  "session.claimant_locked_out": "An account was locked out of claiming after wrong codes",
  "device.claimed": "Claimed",
  "device.reprovisioned": "Provisioned again with a new credential",
  "device.replaced": "New hardware took over this device",
  "device.renamed": "Renamed",
  "device.shared": "Shared with another account",
  "device.share_ended": "Sharing ended",
  "device.reported_lost": "Reported lost or stolen",
  "device.released": "Released by its owner",
  "device.transferred": "Transferred to another account by staff",
  "device.bulk_command": "Command sent to several devices",
  "device.bulk_revoked": "Several devices revoked",
  "credential.revoked": "Credential revoked",
  "command.issued": "Command sent",
  "command.completed": "Command carried out",
  "measurements.exported": "Readings exported",
  "model.created": "Model registered",
  "model.updated": "Model changed",
  "model.deleted": "Model deleted",
  "model.policy_changed": "Model policy changed",
  "legacy.registered": "Legacy node registered",
  "legacy.auto_registered": "Legacy node registered by its first data",
  "legacy.imported": "Legacy nodes imported",
  "legacy.enabled": "Legacy node's data accepted again",
  "legacy.disabled": "Legacy node's data refused",
  "legacy.upgraded": "Legacy node upgraded to a claimed device",
  "legacy.settings_changed": "Legacy settings changed",
  "legacy.credential_issued": "Legacy node's password issued",
  "legacy.credential_reissued": "Legacy node's password replaced",
  "legacy.credential_revoked": "Legacy node's password withdrawn",
  "legacy.board_replaced": "Legacy node's board replaced",
  "keys.reseal": "Device secrets resealed with a new key",
  "users.add": "Account created with the command line",
  "rollout.created": "Firmware rollout started",
  "rollout.stage_started": "Firmware rollout stage sent",
  "rollout.stage_completed": "Firmware rollout stage completed",
  "rollout.completed": "Firmware rollout completed",
  "rollout.paused": "Firmware rollout paused",
  "rollout.resumed": "Firmware rollout resumed",
  "rollout.aborted": "Firmware rollout aborted",
};

/** Refusal actions ("device.request_refused") by what was refused. */
const REFUSED: Record<string, string> = {
  "device.request_refused": "A request from the device was refused",
  "session.start_refused": "The device could not start a provisioning session",
  "session.poll_refused": "A provisioning poll was refused",
  "claim.refused": "A claim was refused",
  "claim.answer_refused": "The device's answer to a claim was refused",
  "two_factor.refused": "A two-factor code was refused",
  "rollout.refused": "A firmware rollout action was refused",
};

function words(action: string): string {
  const text = action.replace(/[._]+/g, " ").trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Actions recorded both ways, by what their refusal means. */
const FAILED: Record<string, string> = {
  signin: "A sign-in was refused",
  // The engine's own pause: a stage's failures reached the threshold, or the image was yanked.
  "rollout.paused": "Firmware rollout paused on its own",
};

/** Every action the audit log words, success and refusal: the catalog's `activity` words each too. */
export const WORDED_ACTIONS = {
  sentences: Object.keys(SENTENCES),
  refused: Object.keys(REFUSED),
  failed: Object.keys(FAILED),
};

/** The event in words: "Credential revoked", "A request from the device was refused: bad request signature". */
export function describeAuditEvent(
  action: string,
  detail: Record<string, unknown> | null | undefined,
  outcome: string = "success",
): string {
  const code = typeof detail?.code === "string" ? detail.code : null;
  if (outcome !== "success" && FAILED[action]) {
    const why = code ? (errorTitle(code) ?? words(code)).toLowerCase() : null;
    return why ? `${FAILED[action]}: ${why}` : FAILED[action];
  }
  const sentence = SENTENCES[action];
  if (sentence) return sentence;
  const why = code ? (errorTitle(code) ?? words(code)).toLowerCase() : null;
  const refused =
    REFUSED[action] ?? (action.endsWith("_refused") ? `${words(action.slice(0, -"_refused".length))} refused` : null);
  if (refused) return why ? `${refused}: ${why}` : refused;
  return words(action);
}

/** The catalog's `activity` messages (next-intl's translator), as far as `describeAuditEventIn` needs them. */
export type ActivityWords = {
  (key: string, values?: { what: string; why: string }): string;
  has(key: string): boolean;
};

/**
 * A device's event in the reader's language, from the catalog's `activity` namespace: its
 * sentence, or what was refused with why. An event or a reason the catalog does not word yet is
 * shown as `describeAuditEvent` words it, so nothing is hidden.
 */
export function describeAuditEventIn(
  t: ActivityWords,
  action: string,
  detail: Record<string, unknown> | null | undefined,
  outcome: string = "success",
): string {
  const english = () => describeAuditEvent(action, detail, outcome);
  const code = typeof detail?.code === "string" ? detail.code : null;
  const withWhy = (what: string) => {
    if (!code) return t(what);
    return t.has(`reasons.${code}`) ? t("withReason", { what: t(what), why: t(`reasons.${code}`) }) : english();
  };
  if (outcome !== "success" && FAILED[action])
    return t.has(`failed.${action}`) ? withWhy(`failed.${action}`) : english();
  if (t.has(`sentences.${action}`)) return t(`sentences.${action}`);
  if (SENTENCES[action] || !t.has(`refused.${action}`)) return english();
  return withWhy(`refused.${action}`);
}

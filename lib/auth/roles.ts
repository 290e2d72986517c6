// Who may see and who may change staff data. `support` reads everything staff read and changes
// nothing: every staff write (API or page) refuses it exactly as it refuses a participant.
// `researcher` sees only the dashboard and export of the studies granted to them
// (lib/studies/access.ts), pseudonymous, and changes nothing; every staff check refuses it.

export const ROLES = ["participant", "staff", "support", "researcher"] as const;
export type Role = (typeof ROLES)[number];

/** Staff pages and staff reads: staff and support. */
export function canReadStaffData(role: string): boolean {
  return role === "staff" || role === "support";
}

/** Staff writes (revoke, commands, accounts, invitations, transfer): staff only. */
export function canChangeStaffData(role: string): boolean {
  return role === "staff";
}

/**
 * A study's dashboard and export: staff and support for every study, a researcher for a study
 * they hold an active grant for (`granted`), nobody else.
 */
export function canReadStudy(role: string, granted: boolean): boolean {
  return canReadStaffData(role) || (role === "researcher" && granted);
}

/** Who may see participants' contact details (name, email) beside study data: staff and support only. */
export function canSeeParticipantContacts(role: string): boolean {
  return canReadStaffData(role);
}

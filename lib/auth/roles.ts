// Who may see and who may change staff data. `support` reads everything staff read and changes
// nothing: every staff write (API or page) refuses it exactly as it refuses a participant.

export const ROLES = ["participant", "staff", "support"] as const;
export type Role = (typeof ROLES)[number];

/** Staff pages and staff reads: staff and support. */
export function canReadStaffData(role: string): boolean {
  return role === "staff" || role === "support";
}

/** Staff writes (revoke, commands, accounts, invitations, transfer): staff only. */
export function canChangeStaffData(role: string): boolean {
  return role === "staff";
}

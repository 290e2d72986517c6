// The consent an invitee ticked on their invitation page, before their account existed: kept in
// this tab's sessionStorage (never a URL) until the consent screen records it after sign-in,
// for exactly the version they read.

export const INVITE_CONSENT_KEY = "claimlink.inviteConsent";

export type InviteConsent = { studyId: string; versionId: string };

import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, request as pwRequest, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import { DeviceClient } from "../device/client";
import { BASE, claimDevice, newParticipant, signedInApi, staffApi } from "./api";
import { createAccountWithCli, uniqueEmail } from "./helpers";

// One negative-auth suite over every route of the API: each (route, method) names the guard it
// needs, and every guard's refusals are checked against it. The coverage test compares the table
// with the /api/v1 router's own list of routes and the guard each declares (served in its
// OpenAPI document, lib/api/openapi.ts) and with the App Router's remaining route files: it fails
// when a route or method exists that the table does not list, or names another guard, so a new
// route cannot forget its guard.

type Guard =
  | "public" // anyone (rate-limited where it matters)
  | "device-signed" // a Claimlink-HMAC signature of a device credential (docs/protocol.md section 3)
  | "device-session-token" // a provisioning session's bearer token (section 1)
  | "device-start" // anyone, unsigned, or a device signed with its credential (section 5); always a signed answer
  | "user" // any signed-in, enabled account
  | "owner" // the signed-in account that owns the object in the path
  | "staff" // a signed-in staff account; its GETs also admit a support account (read-only staff)
  | "device-refusal"; // a method or path a device route does not serve: always a signed 404 or 405 (section 6)

type Ids = {
  deviceId: string;
  claimId: string;
  sid: string;
  sessionId: string;
  userId: string;
  commandId: string;
  invitationId: string;
  shareId: string;
  tokenId: string;
  subscriptionId: string;
  otherEmail: string;
  studyId: string;
};

type Row = {
  method: string;
  route: string;
  guard: Guard;
  path: (ids: Ids) => string;
  body?: (ids: Ids) => unknown;
  /** For `device-refusal`: the status every caller gets. */
  status?: 404 | 405;
  /** The path names an object that does not exist: a reader the guard lets through gets 404 not_found. */
  missing?: true;
};

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];
/** The methods a device route does not serve (`otherMethods`), or every method of a catch-all. */
const refusing = (route: string, path: (ids: Ids) => string, served: string[], status: 404 | 405): Row[] =>
  METHODS.filter((m) => !served.includes(m)).map((method) => ({
    method,
    route,
    guard: "device-refusal",
    path,
    status,
  }));

const GUARD_STUDY = "stu_AAAAAAAAAAAAAAAA";
const GUARD_ROLLOUT = "rol_AAAAAAAAAAAAAAAA";

// Realistic ids: each names an object that exists and belongs to the owner (or to staff's data).
const ROUTES: Row[] = [
  { method: "GET", route: "/api/auth/[...nextauth]", guard: "public", path: () => "/api/auth/session" },
  { method: "POST", route: "/api/auth/[...nextauth]", guard: "public", path: () => "/api/auth/signout" },
  { method: "GET", route: "/api/health", guard: "public", path: () => "/api/health" },
  {
    method: "POST",
    route: "/api/v1/claims",
    guard: "user",
    path: () => "/api/v1/claims",
    body: (i) => ({ sid: i.sid, pop: "A".repeat(26) }),
  },
  {
    method: "POST",
    route: "/api/v1/claims/preview",
    guard: "user",
    path: () => "/api/v1/claims/preview",
    body: (i) => ({ sid: i.sid }),
  },
  {
    method: "GET",
    route: "/api/v1/claims/[claimId]",
    guard: "owner",
    path: (i) => `/api/v1/claims/${i.claimId}?wait=0`,
  },
  {
    method: "PATCH",
    route: "/api/v1/devices/[deviceId]",
    guard: "owner",
    path: (i) => `/api/v1/devices/${i.deviceId}`,
    body: () => ({ name: "Taken over" }),
  },
  {
    method: "POST",
    route: "/api/v1/devices/[deviceId]/release",
    guard: "owner",
    path: (i) => `/api/v1/devices/${i.deviceId}/release`,
  },
  {
    method: "POST",
    route: "/api/v1/devices/[deviceId]/lost",
    guard: "owner",
    path: (i) => `/api/v1/devices/${i.deviceId}/lost`,
  },
  {
    method: "POST",
    route: "/api/v1/devices/[deviceId]/commands",
    guard: "owner",
    path: (i) => `/api/v1/devices/${i.deviceId}/commands`,
    body: () => ({ type: "identify" }),
  },
  {
    method: "POST",
    route: "/api/v1/devices/[deviceId]/shares",
    guard: "owner",
    path: (i) => `/api/v1/devices/${i.deviceId}/shares`,
    body: () => ({ email: "guard-probe@e2e.example.org" }),
  },
  {
    method: "DELETE",
    route: "/api/v1/devices/[deviceId]/shares/[shareId]",
    guard: "owner",
    path: (i) => `/api/v1/devices/${i.deviceId}/shares/${i.shareId}`,
  },
  {
    method: "PUT",
    route: "/api/v1/me/notices",
    guard: "user",
    path: () => "/api/v1/me/notices",
    body: () => ({ off: [] }),
  },
  {
    method: "PUT",
    route: "/api/v1/me/locale",
    guard: "user",
    path: () => "/api/v1/me/locale",
    body: () => ({ locale: "en" }),
  },
  {
    method: "GET",
    route: "/api/v1/devices/[deviceId]/export",
    guard: "owner",
    path: (i) => `/api/v1/devices/${i.deviceId}/export?from=2026-01-01`,
  },
  {
    method: "POST",
    route: "/api/v1/devices/[deviceId]/legacy-link",
    guard: "owner",
    path: (i) => `/api/v1/devices/${i.deviceId}/legacy-link`,
    body: () => ({ hardwareId: "esp8266-9999999" }),
  },
  {
    method: "POST",
    route: "/api/v1/devices/[deviceId]/legacy-credential",
    guard: "owner",
    path: (i) => `/api/v1/devices/${i.deviceId}/legacy-credential`,
  },
  {
    method: "DELETE",
    route: "/api/v1/devices/[deviceId]/legacy-credential",
    guard: "owner",
    path: (i) => `/api/v1/devices/${i.deviceId}/legacy-credential`,
  },
  {
    // Public by design (docs/legacy-ingest.md): rate-limited, and without a hardware id refused (400).
    method: "POST",
    route: "/api/v1/legacy/push-sensor-data",
    guard: "public",
    path: () => "/api/v1/legacy/push-sensor-data",
    body: () => ({ sensordatavalues: [{ value_type: "temperature", value: "20.5" }] }),
  },
  {
    method: "GET",
    route: "/api/v1/staff/measurements/export",
    guard: "staff",
    path: () => "/api/v1/staff/measurements/export?from=2026-01-01",
  },
  { method: "GET", route: "/api/v1/staff/models", guard: "staff", path: () => "/api/v1/staff/models" },
  {
    method: "POST",
    route: "/api/v1/staff/models",
    guard: "staff",
    path: () => "/api/v1/staff/models",
    body: () => ({ model: "guard-probe-model", displayName: "Guard probe" }),
  },
  {
    method: "DELETE",
    route: "/api/v1/staff/models/[model]",
    guard: "staff",
    path: () => "/api/v1/staff/models/guard-probe-model",
  },
  { method: "GET", route: "/api/v1/staff/firmware", guard: "staff", path: () => "/api/v1/staff/firmware" },
  {
    method: "GET",
    route: "/api/v1/firmware/[sha256]",
    guard: "public",
    path: () => `/api/v1/firmware/${"0".repeat(64)}`,
  },
  {
    method: "PUT",
    route: "/api/v1/staff/model-policy",
    guard: "staff",
    path: () => "/api/v1/staff/model-policy",
    body: () => ({ policy: "registry" }),
  },
  { method: "GET", route: "/api/v1/staff/legacy/nodes", guard: "staff", path: () => "/api/v1/staff/legacy/nodes" },
  {
    method: "POST",
    route: "/api/v1/staff/legacy/nodes",
    guard: "staff",
    path: () => "/api/v1/staff/legacy/nodes",
    body: () => ({ hardwareId: "esp8266-9999998", ownerEmail: "guard-probe@e2e.example.org", name: "Probe" }),
  },
  {
    method: "PATCH",
    route: "/api/v1/staff/legacy/nodes/[nodeId]",
    guard: "staff",
    path: () => "/api/v1/staff/legacy/nodes/lgn_AAAAAAAAAAAAAAAA",
    body: () => ({ disabled: true }),
  },
  {
    method: "POST",
    route: "/api/v1/staff/legacy/nodes/[nodeId]/upgrade",
    guard: "staff",
    path: () => "/api/v1/staff/legacy/nodes/lgn_AAAAAAAAAAAAAAAA/upgrade",
    body: (i) => ({ deviceId: i.deviceId }),
  },
  {
    method: "POST",
    route: "/api/v1/staff/legacy/nodes/[nodeId]/credential",
    guard: "staff",
    path: () => "/api/v1/staff/legacy/nodes/lgn_AAAAAAAAAAAAAAAA/credential",
  },
  {
    method: "DELETE",
    route: "/api/v1/staff/legacy/nodes/[nodeId]/credential",
    guard: "staff",
    path: () => "/api/v1/staff/legacy/nodes/lgn_AAAAAAAAAAAAAAAA/credential",
  },
  {
    method: "POST",
    route: "/api/v1/staff/legacy/credentials",
    guard: "staff",
    path: () => "/api/v1/staff/legacy/credentials",
    body: () => ({ hardwareIds: ["esp8266-9999997"] }),
  },
  {
    method: "POST",
    route: "/api/v1/staff/legacy/import",
    guard: "staff",
    path: () => "/api/v1/staff/legacy/import",
    body: () => ({ csv: "not csv" }),
  },
  {
    method: "PUT",
    route: "/api/v1/staff/legacy/settings",
    guard: "staff",
    path: () => "/api/v1/staff/legacy/settings",
    body: () => ({ acceptAny: true, cutoffAt: null }),
  },
  {
    method: "GET",
    route: "/api/v1/devices/[deviceId]/series",
    guard: "owner",
    path: (i) => `/api/v1/devices/${i.deviceId}/series?range=24h`,
  },
  { method: "GET", route: "/api/v1/devices/me", guard: "device-signed", path: () => "/api/v1/devices/me" },
  {
    method: "POST",
    route: "/api/v1/devices/me/commands/[commandId]",
    guard: "device-signed",
    path: (i) => `/api/v1/devices/me/commands/${i.commandId}`,
    body: () => ({ status: "done" }),
  },
  {
    method: "POST",
    route: "/api/v1/devices/me/measurements",
    guard: "device-signed",
    path: () => "/api/v1/devices/me/measurements",
    body: () => ({ measurements: [{ property: "temperature", time: 1768478340, value: 99 }] }),
  },
  {
    method: "POST",
    route: "/api/v1/invitations/accept",
    guard: "public",
    path: () => "/api/v1/invitations/accept",
    body: () => ({ token: "A".repeat(43), password: "a long enough password" }),
  },
  {
    method: "POST",
    route: "/api/v1/invitations/lookup",
    guard: "public",
    path: () => "/api/v1/invitations/lookup",
    body: () => ({ token: "A".repeat(43) }),
  },
  { method: "PATCH", route: "/api/v1/me", guard: "user", path: () => "/api/v1/me", body: () => ({ name: "Renamed" }) },
  {
    method: "POST",
    route: "/api/v1/me/password",
    guard: "user",
    path: () => "/api/v1/me/password",
    body: () => ({ current: "not the password", password: "a long enough password" }),
  },
  { method: "GET", route: "/api/v1/me/two-factor", guard: "user", path: () => "/api/v1/me/two-factor" },
  {
    method: "POST",
    route: "/api/v1/me/two-factor",
    guard: "user",
    path: () => "/api/v1/me/two-factor",
    body: () => ({ code: "000000" }),
  },
  {
    method: "DELETE",
    route: "/api/v1/me/two-factor",
    guard: "user",
    path: () => "/api/v1/me/two-factor",
    body: () => ({ code: "000000" }),
  },
  {
    method: "POST",
    route: "/api/v1/me/two-factor/enrolment",
    guard: "user",
    path: () => "/api/v1/me/two-factor/enrolment",
  },
  {
    method: "POST",
    route: "/api/v1/me/two-factor/recovery-codes",
    guard: "user",
    path: () => "/api/v1/me/two-factor/recovery-codes",
    body: () => ({ code: "000000" }),
  },
  {
    method: "POST",
    route: "/api/v1/password-resets/accept",
    guard: "public",
    path: () => "/api/v1/password-resets/accept",
    body: () => ({ token: "A".repeat(43), password: "a long enough password" }),
  },
  {
    method: "POST",
    route: "/api/v1/password-resets/lookup",
    guard: "public",
    path: () => "/api/v1/password-resets/lookup",
    body: () => ({ token: "A".repeat(43) }),
  },
  {
    method: "POST",
    route: "/api/v1/password-resets/request",
    guard: "public",
    path: () => "/api/v1/password-resets/request",
    body: () => ({ email: "nobody@e2e.example.org" }),
  },
  {
    method: "DELETE",
    route: "/api/v1/staff/accounts/[userId]/two-factor",
    guard: "staff",
    path: (i) => `/api/v1/staff/accounts/${i.userId}/two-factor`,
  },
  {
    method: "POST",
    route: "/api/v1/staff/accounts/[userId]/password-reset",
    guard: "staff",
    path: (i) => `/api/v1/staff/accounts/${i.userId}/password-reset`,
  },
  // A participant's studies: no study exists in this spec (staff make them), so the id is only
  // well-formed; anyone but a participant of it gets study_not_found, as for one that does not exist.
  { method: "GET", route: "/api/v1/me/studies", guard: "user", path: () => "/api/v1/me/studies" },
  ...(["GET", "POST"] as const).flatMap((method) =>
    ["consent", "withdrawal"].map((leaf): Row => ({
      method,
      route: `/api/v1/me/studies/[studyId]/${leaf}`,
      guard: "owner",
      path: () => `/api/v1/me/studies/${GUARD_STUDY}/${leaf}`,
      body: leaf === "consent" && method === "POST" ? () => ({ versionId: "cnv_AAAAAAAAAAAAAAAA" }) : undefined,
    })),
  ),
  ...(["GET", "PUT"] as const).map((method): Row => ({
    method,
    route: "/api/v1/me/studies/[studyId]/intake",
    guard: "owner",
    path: () => `/api/v1/me/studies/${GUARD_STUDY}/intake`,
    body: method === "PUT" ? () => ({ answers: { itq_AAAAAAAAAAAAAAAA: 1 } }) : undefined,
  })),
  {
    method: "GET",
    route: "/api/v1/me/erasures/[erasureId]",
    guard: "owner",
    path: () => "/api/v1/me/erasures/ers_AAAAAAAAAAAAAAAA",
  },
  {
    method: "POST",
    route: "/api/v1/me/deletion",
    guard: "user",
    path: () => "/api/v1/me/deletion",
    body: () => ({ password: "not the password" }),
  },
  { method: "GET", route: "/api/v1/me/sessions", guard: "user", path: () => "/api/v1/me/sessions" },
  { method: "GET", route: "/api/v1/devices", guard: "user", path: () => "/api/v1/devices" },
  {
    method: "GET",
    route: "/api/v1/devices/[deviceId]",
    guard: "owner",
    path: (i) => `/api/v1/devices/${i.deviceId}`,
  },
  { method: "GET", route: "/api/v1/me/tokens", guard: "user", path: () => "/api/v1/me/tokens" },
  {
    method: "POST",
    route: "/api/v1/me/tokens",
    guard: "user",
    path: () => "/api/v1/me/tokens",
    body: () => ({ name: "Guard probe", scopes: ["devices:read"] }),
  },
  {
    method: "DELETE",
    route: "/api/v1/me/tokens/[tokenId]",
    guard: "owner",
    path: (i) => `/api/v1/me/tokens/${i.tokenId}`,
  },
  { method: "GET", route: "/api/v1/staff/tokens", guard: "staff", path: () => "/api/v1/staff/tokens" },
  {
    method: "DELETE",
    route: "/api/v1/staff/tokens/[tokenId]",
    guard: "staff",
    path: (i) => `/api/v1/staff/tokens/${i.tokenId}`,
  },
  { method: "DELETE", route: "/api/v1/me/sessions", guard: "user", path: () => "/api/v1/me/sessions" },
  {
    method: "DELETE",
    route: "/api/v1/me/sessions/[sessionId]",
    guard: "owner",
    path: (i) => `/api/v1/me/sessions/${i.sessionId}`,
  },
  {
    method: "POST",
    route: "/api/v1/provisioning/sessions",
    guard: "device-start",
    path: () => "/api/v1/provisioning/sessions",
    body: () => ({ model: "guard-probe", firmware: "1.0.0" }),
  },
  {
    method: "GET",
    route: "/api/v1/provisioning/sessions/[sid]",
    guard: "device-session-token",
    path: (i) => `/api/v1/provisioning/sessions/${i.sid}?wait=0`,
  },
  {
    method: "POST",
    route: "/api/v1/provisioning/sessions/[sid]/claims/[claimId]",
    guard: "device-session-token",
    path: (i) => `/api/v1/provisioning/sessions/${i.sid}/claims/${i.claimId}`,
    body: () => ({ accept: false, reason: "user_declined" }),
  },
  { method: "GET", route: "/api/v1/staff/accounts", guard: "staff", path: () => "/api/v1/staff/accounts?q=e2e" },
  {
    method: "PATCH",
    route: "/api/v1/staff/accounts/[userId]",
    guard: "staff",
    path: (i) => `/api/v1/staff/accounts/${i.userId}`,
    body: () => ({ disabled: true }),
  },
  {
    method: "DELETE",
    route: "/api/v1/staff/accounts/[userId]/sessions",
    guard: "staff",
    path: (i) => `/api/v1/staff/accounts/${i.userId}/sessions`,
  },
  {
    method: "GET",
    route: "/api/v1/staff/audit",
    guard: "staff",
    path: (i) => `/api/v1/staff/audit?account=${i.userId}`,
  },
  {
    method: "POST",
    route: "/api/v1/staff/devices/[deviceId]/commands",
    guard: "staff",
    path: (i) => `/api/v1/staff/devices/${i.deviceId}/commands`,
    body: () => ({ type: "reprovision" }),
  },
  { method: "GET", route: "/api/v1/staff/devices", guard: "staff", path: () => "/api/v1/staff/devices?q=guard" },
  {
    method: "GET",
    route: "/api/v1/staff/devices/summary",
    guard: "staff",
    path: () => "/api/v1/staff/devices/summary?model=guard-owner",
  },
  {
    method: "GET",
    route: "/api/v1/staff/devices/export",
    guard: "staff",
    path: () => "/api/v1/staff/devices/export?model=guard-owner",
  },
  {
    method: "GET",
    route: "/api/v1/staff/devices/bulk",
    guard: "staff",
    path: (i) => `/api/v1/staff/devices/bulk?q=${i.deviceId}`,
  },
  {
    method: "POST",
    route: "/api/v1/staff/devices/bulk",
    guard: "staff",
    path: () => "/api/v1/staff/devices/bulk",
    // Exactly the owner's device: were it let through, the last test would see it revoked.
    body: (i) => ({ filter: { q: i.deviceId }, action: { kind: "revoke" }, expectedCount: 1 }),
  },
  {
    method: "GET",
    route: "/api/v1/staff/devices/[deviceId]",
    guard: "staff",
    path: (i) => `/api/v1/staff/devices/${i.deviceId}`,
  },
  {
    method: "GET",
    route: "/api/v1/staff/devices/[deviceId]/series",
    guard: "staff",
    path: (i) => `/api/v1/staff/devices/${i.deviceId}/series?range=24h`,
  },
  {
    method: "POST",
    route: "/api/v1/staff/devices/[deviceId]/transfer",
    guard: "staff",
    path: (i) => `/api/v1/staff/devices/${i.deviceId}/transfer`,
    body: (i) => ({ email: i.otherEmail, reason: "guard probe" }),
  },
  {
    method: "GET",
    route: "/api/v1/staff/audit/export",
    guard: "staff",
    path: (i) => `/api/v1/staff/audit/export?account=${i.userId}`,
  },
  {
    method: "POST",
    route: "/api/v1/staff/invitations/bulk",
    guard: "staff",
    path: () => "/api/v1/staff/invitations/bulk",
    body: () => ({ csv: "guard-bulk@e2e.example.org,Guard Bulk" }),
  },
  {
    method: "POST",
    route: "/api/v1/staff/devices/[deviceId]/revoke",
    guard: "staff",
    path: (i) => `/api/v1/staff/devices/${i.deviceId}/revoke`,
  },
  { method: "GET", route: "/api/v1/staff/invitations", guard: "staff", path: () => "/api/v1/staff/invitations" },
  {
    method: "POST",
    route: "/api/v1/staff/invitations",
    guard: "staff",
    path: () => "/api/v1/staff/invitations",
    body: () => ({ email: "guard-probe@e2e.example.org", name: "Guard Probe" }),
  },
  {
    method: "DELETE",
    route: "/api/v1/staff/invitations/[invitationId]",
    guard: "staff",
    path: (i) => `/api/v1/staff/invitations/${i.invitationId}`,
  },
  {
    method: "POST",
    route: "/api/v1/staff/invitations/[invitationId]/renew",
    guard: "staff",
    path: (i) => `/api/v1/staff/invitations/${i.invitationId}/renew`,
  },
  { method: "GET", route: "/api/v1/staff/studies", guard: "staff", path: () => "/api/v1/staff/studies" },
  {
    method: "POST",
    route: "/api/v1/staff/studies",
    guard: "staff",
    path: () => "/api/v1/staff/studies",
    body: () => ({
      name: { en: "Guard probe" },
      description: { en: "Never made." },
      contactEmail: "guard@e2e.example.org",
      startsOn: "2027-01-01",
      endsOn: "2027-12-31",
      dataPolicy: "erase",
    }),
  },
  {
    method: "GET",
    route: "/api/v1/staff/studies/[studyId]",
    guard: "staff",
    path: (i) => `/api/v1/staff/studies/${i.studyId}`,
  },
  {
    method: "PATCH",
    route: "/api/v1/staff/studies/[studyId]",
    guard: "staff",
    path: (i) => `/api/v1/staff/studies/${i.studyId}`,
    body: () => ({ endsOn: "2028-12-31" }),
  },
  {
    method: "POST",
    route: "/api/v1/staff/studies/[studyId]/status",
    guard: "staff",
    path: (i) => `/api/v1/staff/studies/${i.studyId}/status`,
    body: () => ({ status: "archived" }),
  },
  {
    method: "GET",
    route: "/api/v1/staff/studies/[studyId]/consent-versions",
    guard: "staff",
    path: (i) => `/api/v1/staff/studies/${i.studyId}/consent-versions`,
  },
  {
    method: "POST",
    route: "/api/v1/staff/studies/[studyId]/consent-versions",
    guard: "staff",
    path: (i) => `/api/v1/staff/studies/${i.studyId}/consent-versions`,
    body: () => ({ text: { en: "Guard probe text" } }),
  },
  {
    method: "PUT",
    route: "/api/v1/staff/studies/[studyId]/intake-questions",
    guard: "staff",
    path: (i) => `/api/v1/staff/studies/${i.studyId}/intake-questions`,
    body: () => ({ questions: [] }),
  },
  {
    method: "PUT",
    route: "/api/v1/staff/studies/[studyId]/onboarding-steps",
    guard: "staff",
    path: (i) => `/api/v1/staff/studies/${i.studyId}/onboarding-steps`,
    body: () => ({ steps: [] }),
  },
  {
    method: "POST",
    route: "/api/v1/staff/studies/[studyId]/researchers",
    guard: "staff",
    path: (i) => `/api/v1/staff/studies/${i.studyId}/researchers`,
    body: (i) => ({ userId: i.userId }),
  },
  {
    method: "DELETE",
    route: "/api/v1/staff/studies/[studyId]/researchers/[userId]",
    guard: "staff",
    path: (i) => `/api/v1/staff/studies/${i.studyId}/researchers/${i.userId}`,
  },
  {
    method: "POST",
    route: "/api/v1/staff/studies/[studyId]/participants/[userId]/withdrawal",
    guard: "staff",
    path: (i) => `/api/v1/staff/studies/${i.studyId}/participants/${i.userId}/withdrawal`,
    body: () => ({ reason: "guard probe" }),
  },
  {
    method: "POST",
    route: "/api/v1/staff/accounts/[userId]/deletion",
    guard: "staff",
    path: (i) => `/api/v1/staff/accounts/${i.userId}/deletion`,
    body: () => ({ reason: "guard probe" }),
  },
  { method: "GET", route: "/api/v1/research/studies", guard: "user", path: () => "/api/v1/research/studies" },
  {
    method: "GET",
    route: "/api/v1/research/studies/[studyId]/dashboard",
    guard: "owner",
    path: (i) => `/api/v1/research/studies/${i.studyId}/dashboard`,
  },
  {
    method: "GET",
    route: "/api/v1/research/studies/[studyId]/export",
    guard: "owner",
    path: (i) => `/api/v1/research/studies/${i.studyId}/export`,
  },
  // Webhooks last: support's refusals are audited at most 20 per code, and the support test looks for earlier ones.
  { method: "GET", route: "/api/v1/staff/webhooks", guard: "staff", path: () => "/api/v1/staff/webhooks" },
  {
    method: "POST",
    route: "/api/v1/staff/webhooks",
    guard: "staff",
    path: () => "/api/v1/staff/webhooks",
    body: () => ({ url: "https://hooks.example.org/guard", events: ["device.lost"] }),
  },
  {
    method: "GET",
    route: "/api/v1/staff/webhooks/[subscriptionId]",
    guard: "staff",
    path: (i) => `/api/v1/staff/webhooks/${i.subscriptionId}`,
  },
  {
    method: "PATCH",
    route: "/api/v1/staff/webhooks/[subscriptionId]",
    guard: "staff",
    path: (i) => `/api/v1/staff/webhooks/${i.subscriptionId}`,
    body: () => ({ enabled: false }),
  },
  {
    method: "DELETE",
    route: "/api/v1/staff/webhooks/[subscriptionId]",
    guard: "staff",
    path: (i) => `/api/v1/staff/webhooks/${i.subscriptionId}`,
  },
  {
    method: "POST",
    route: "/api/v1/staff/webhooks/[subscriptionId]/secret",
    guard: "staff",
    path: (i) => `/api/v1/staff/webhooks/${i.subscriptionId}/secret`,
  },
  {
    method: "GET",
    route: "/api/v1/staff/webhooks/[subscriptionId]/deliveries",
    guard: "staff",
    path: (i) => `/api/v1/staff/webhooks/${i.subscriptionId}/deliveries`,
  },
  {
    method: "POST",
    route: "/api/v1/staff/webhooks/[subscriptionId]/deliveries/[deliveryId]/replay",
    guard: "staff",
    path: (i) => `/api/v1/staff/webhooks/${i.subscriptionId}/deliveries/dlv_AAAAAAAAAAAAAAAA/replay`,
  },
  // Firmware rollouts, after the routes whose refused writes the support test reads back.
  {
    method: "GET",
    route: "/api/v1/staff/firmware/rollouts",
    guard: "staff",
    path: () => "/api/v1/staff/firmware/rollouts",
  },
  {
    method: "POST",
    route: "/api/v1/staff/firmware/rollouts",
    guard: "staff",
    path: () => "/api/v1/staff/firmware/rollouts",
    body: () => ({ sha256: "0".repeat(64), target: { kind: "model" }, stages: [{ percent: 100, soakMinutes: 0 }] }),
  },
  {
    method: "GET",
    route: "/api/v1/staff/firmware/rollouts/[rolloutId]",
    guard: "staff",
    path: () => `/api/v1/staff/firmware/rollouts/${GUARD_ROLLOUT}`,
    missing: true,
  },
  ...(["pause", "resume", "abort"] as const).map((a) => ({
    method: "POST",
    route: `/api/v1/staff/firmware/rollouts/[rolloutId]/${a}`,
    guard: "staff" as const,
    path: () => `/api/v1/staff/firmware/rollouts/${GUARD_ROLLOUT}/${a}`,
  })),
  {
    method: "GET",
    route: "/api/v1/staff/firmware/adoption",
    guard: "staff",
    path: () => "/api/v1/staff/firmware/adoption",
  },
  // Last: a support session's refusals are audited at most 20 per code (lib/audit/record.ts), and the test reads the earlier ones.
  {
    method: "POST",
    route: "/api/v1/staff/devices/[deviceId]/firmware-update",
    guard: "staff",
    path: (i) => `/api/v1/staff/devices/${i.deviceId}/firmware-update`,
    body: () => ({ sha256: "0".repeat(64), expiresInDays: 1 }),
  },
  {
    method: "GET",
    route: "/api/v1/staff/devices/[deviceId]/firmware-updates",
    guard: "staff",
    path: (i) => `/api/v1/staff/devices/${i.deviceId}/firmware-updates`,
  },
  {
    method: "GET",
    route: "/api/v1/staff/firmware/alarms",
    guard: "staff",
    path: () => "/api/v1/staff/firmware/alarms",
  },
  {
    method: "POST",
    route: "/api/v1/staff/firmware/alarms/[commandId]/acknowledge",
    guard: "staff",
    path: (i) => `/api/v1/staff/firmware/alarms/${i.commandId}/acknowledge`,
  },
  {
    method: "POST",
    route: "/api/v1/staff/firmware",
    guard: "staff",
    path: () => "/api/v1/staff/firmware",
    body: () => ({ model: "guard-probe-model", version: "1.0.0" }),
  },
  {
    method: "POST",
    route: "/api/v1/staff/firmware/[sha256]/yank",
    guard: "staff",
    path: () => `/api/v1/staff/firmware/${"0".repeat(64)}/yank`,
  },
];

ROUTES.push(
  { method: "GET", route: "/api/well-known/claimlink", guard: "public", path: () => "/.well-known/claimlink" },
  { method: "GET", route: "/api/v1/openapi.json", guard: "public", path: () => "/api/v1/openapi.json" },
  ...refusing("/api/v1/devices/me", () => "/api/v1/devices/me", ["GET"], 405),
  ...refusing("/api/v1/devices/me/measurements", () => "/api/v1/devices/me/measurements", ["POST"], 405),
  ...refusing(
    "/api/v1/devices/me/commands/[commandId]",
    (i) => `/api/v1/devices/me/commands/${i.commandId}`,
    ["POST"],
    405,
  ),
  ...refusing("/api/v1/provisioning/sessions", () => "/api/v1/provisioning/sessions", ["POST"], 405),
  ...refusing("/api/v1/provisioning/sessions/[sid]", (i) => `/api/v1/provisioning/sessions/${i.sid}`, ["GET"], 405),
  ...refusing(
    "/api/v1/provisioning/sessions/[sid]/claims/[claimId]",
    (i) => `/api/v1/provisioning/sessions/${i.sid}/claims/${i.claimId}`,
    ["POST"],
    405,
  ),
  ...refusing("/api/v1/devices/me/[...rest]", () => "/api/v1/devices/me/no/such/route", [], 404),
  ...refusing("/api/v1/provisioning/[...rest]", () => "/api/v1/provisioning/no-such-route", [], 404),
);

const SESSION_GUARDS: Guard[] = ["user", "owner", "staff"];
const isWrite = (r: Row) => r.method !== "GET" && r.method !== "HEAD";
const label = (r: Row) => `${r.method} ${r.route}`;

function send(api: APIRequestContext, r: Row, ids: Ids, headers: Record<string, string> = {}): Promise<APIResponse> {
  const body = r.body?.(ids);
  return api.fetch(r.path(ids), {
    method: r.method,
    headers,
    ...(body === undefined ? {} : { data: body }),
    maxRedirects: 0,
  });
}

async function expectProblem(res: APIResponse, status: number, code: string, what: string) {
  expect(res.status(), `${what}: status`).toBe(status);
  expect(res.headers()["content-type"], `${what}: media type`).toBe("application/problem+json");
  const body = await res.json();
  expect(body, what).toMatchObject({ status, code });
  expect(body.requestId, what).toMatch(/^req_[0-9a-f]{16}$/);
}

/** The exported HTTP methods of a route file (`export const GET`, `export async function POST`, `export const { GET, POST }`). */
function exportedMethods(source: string): string[] {
  const methods = new Set<string>();
  const METHOD = /\b(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\b/g;
  // The 405 problem+json answers of methods a route does not serve (lib/http/methods.ts) are
  // not routes; e2e/fuzz.spec.ts checks them.
  source = source.replace(/export\s+const\s*\{[^}]*\}\s*=\s*methodsNotAllowed\([^)]*\);/g, "");
  for (const m of source.matchAll(/export\s+(?:async\s+)?(?:const|function|let)\s+(\w+)/g))
    if (/^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$/.test(m[1])) methods.add(m[1]);
  for (const m of source.matchAll(/export\s+const\s*\{([^}]*)\}/g))
    for (const name of m[1].matchAll(METHOD)) methods.add(name[1]);
  for (const m of source.matchAll(/export\s*\{([^}]*)\}/g))
    for (const name of m[1].matchAll(METHOD)) methods.add(name[1]);
  return [...methods];
}

/** The router's catch-all under /api/v1, which hands every request to the router under `next dev`. */
const API_CATCH_ALL = "v1/[[...route]]/route.ts";

type Operation = { "x-claimlink-guard": Guard };
type ApiDocument = { paths: Record<string, Record<string, Operation>>; "x-claimlink-signed-prefixes": string[] };

test("every (route, method) of the router and under app/api is in the guard table with its guard, and nothing else is", async () => {
  const found: string[] = [];
  // The App Router's own routes (next-auth, health, the well-known document).
  const root = path.resolve("app");
  for (const f of readdirSync(path.join(root, "api"), { recursive: true, encoding: "utf8" })) {
    if (!/(^|\/)route\.(ts|tsx|js|mjs)$/.test(f) || f === API_CATCH_ALL) continue;
    const route = `/api/${path.dirname(f)}`.replace(/\/\.$/, "");
    const methods = exportedMethods(readFileSync(path.join(root, "api", f), "utf8"));
    expect(methods.length, `${route} exports no HTTP method the table could read`).toBeGreaterThan(0);
    for (const m of methods) found.push(`${m} ${route}`);
  }
  expect(
    found.some((f) => f.includes("/api/v1/")),
    "no App Router route file under /api/v1 but the catch-all",
  ).toBe(false);
  // The router's routes with the guard each declares; a device route's other methods are its signed 405s.
  const doc = (await (await fetch(`${BASE}/api/v1/openapi.json`)).json()) as ApiDocument;
  const guards = new Map<string, Guard>();
  for (const [p, operations] of Object.entries(doc.paths)) {
    const route = p.replace(/\{(\w+)\}/g, "[$1]");
    for (const [method, op] of Object.entries(operations))
      guards.set(`${method.toUpperCase()} ${route}`, op["x-claimlink-guard"]);
    const device = Object.values(operations).some((op) => op["x-claimlink-guard"].startsWith("device-"));
    if (device)
      for (const m of METHODS.filter((m) => !(m.toLowerCase() in operations)))
        guards.set(`${m} ${route}`, "device-refusal");
  }
  // Any other path under a device prefix: a signed 404 for every method.
  for (const prefix of doc["x-claimlink-signed-prefixes"])
    for (const m of METHODS) guards.set(`${m} ${prefix}/[...rest]`, "device-refusal");
  expect(guards.size).toBeGreaterThan(60);
  found.push(...guards.keys());
  expect(ROUTES.map(label).sort()).toEqual(found.sort());
  expect(new Set(ROUTES.map(label)).size).toBe(ROUTES.length);
  for (const r of ROUTES.filter((r) => guards.has(label(r))))
    expect(r.guard === "owner" ? "owner" : r.guard, `${label(r)}: the router's guard`).toBe(guards.get(label(r)));
});

test.describe("the guards of every route", () => {
  let ids: Ids;
  let owner: { email: string; api: APIRequestContext };
  let other: { email: string; api: APIRequestContext };
  let disabled: APIRequestContext;
  let staff: APIRequestContext;
  let support: APIRequestContext;
  let anonymous: APIRequestContext;
  let otherDevice: DeviceClient;
  let ownerDevice: DeviceClient;
  let ownerDeviceName: string;
  let ownerToken: string;
  let otherDeviceId: string;

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    staff = await staffApi();
    anonymous = await pwRequest.newContext({ baseURL: BASE, extraHTTPHeaders: { origin: new URL(BASE).origin } });
    owner = await newParticipant("guard-owner");
    other = await newParticipant("guard-other");
    const claimed = await claimDevice(owner.api, {}, { model: "guard-owner" });
    ownerDevice = claimed.device;
    const otherClaimed = await claimDevice(other.api, {}, { model: "guard-other" });
    otherDevice = otherClaimed.device;
    otherDeviceId = otherClaimed.deviceId;
    ownerDeviceName = claimed.credential.name;

    const account = await (await staff.get(`/api/v1/staff/accounts?q=${encodeURIComponent(owner.email)}`)).json();
    const sessions = await (await owner.api.get("/api/v1/me/sessions")).json();
    const command = await staff.post(`/api/v1/staff/devices/${claimed.deviceId}/commands`, {
      data: { type: "identify" },
    });
    expect(command.status()).toBe(201);
    const invitation = await staff.post("/api/v1/staff/invitations", {
      data: { email: `guard-invitee.${Date.now()}@e2e.example.org`, name: "Guard Invitee" },
    });
    expect(invitation.status()).toBe(201);
    // A household share with a third account (a viewer may read, so it is not "another user" here).
    const made = await owner.api.post("/api/v1/me/tokens", { data: { name: "Guard", scopes: ["devices:read"] } });
    expect(made.status()).toBe(201);
    ownerToken = (await made.json()).token;
    const viewer = await newParticipant("guard-viewer");
    const share = await owner.api.post(`/api/v1/devices/${claimed.deviceId}/shares`, { data: { email: viewer.email } });
    expect(share.status()).toBe(201);
    await viewer.api.dispose();
    // A study in draft (staff and support read it; a participant reads no study).
    const study = await staff.post("/api/v1/staff/studies", {
      data: {
        name: { en: "Guard study" },
        description: { en: "Guard" },
        contactEmail: "guard-study@e2e.example.org",
        startsOn: "2027-01-01",
        endsOn: "2027-12-31",
        dataPolicy: "retain",
      },
    });
    expect(study.status()).toBe(201);
    // A webhook subscription to an event that never happens here (nothing is sent).
    const hook = await staff.post("/api/v1/staff/webhooks", {
      data: { url: "https://hooks.example.org/guard", events: ["firmware.update_failed"] },
    });
    expect(hook.status()).toBe(201);
    ids = {
      subscriptionId: (await hook.json()).view.id,
      studyId: (await study.json()).id,
      deviceId: claimed.deviceId,
      claimId: claimed.claimId,
      sid: claimed.sid,
      sessionId: sessions.sessions[0].id,
      userId: account.accounts[0].id,
      commandId: (await command.json()).id,
      invitationId: (await invitation.json()).invitation.id,
      shareId: (await share.json()).id,
      tokenId: (await owner.api.get("/api/v1/me/tokens").then((r) => r.json())).tokens[0].id,
      otherEmail: other.email,
    };
    const s = createAccountWithCli(uniqueEmail("guard-support"), "support");
    support = await signedInApi(s.email, s.password);
    expect(ids.userId).toMatch(/^usr_/);
    expect(ids.sessionId).toMatch(/^ses_/);

    const d = await newParticipant("guard-disabled");
    const dAccount = await (await staff.get(`/api/v1/staff/accounts?q=${encodeURIComponent(d.email)}`)).json();
    const off = await staff.patch(`/api/v1/staff/accounts/${dAccount.accounts[0].id}`, { data: { disabled: true } });
    expect(off.status()).toBe(200);
    disabled = d.api;
  });

  test.afterAll(async () => {
    for (const api of [staff, support, anonymous, owner?.api, other?.api, disabled]) await api?.dispose();
  });

  test("without a session or credential, every guarded route refuses (401)", async () => {
    for (const r of ROUTES) {
      const res = await send(anonymous, r, ids);
      const what = `${label(r)} signed out`;
      switch (r.guard) {
        case "user":
        case "owner":
        case "staff":
          await expectProblem(res, 401, "unauthenticated", what);
          break;
        case "device-signed":
          await expectProblem(res, 401, "bad_signature", what);
          expect(res.headers()["www-authenticate"], what).toBe('Claimlink-HMAC error="bad_signature"');
          break;
        case "device-session-token":
          await expectProblem(res, 401, "invalid_session_token", what);
          break;
        case "device-refusal":
          await expectProblem(res, r.status!, r.status === 404 ? "not_found" : "method_not_allowed", what);
          expect(res.headers()["claimlink-signature"], `${what}: signed`).toMatch(/^keyid="[0-9a-f]{16}"/);
          break;
        case "public":
          expect(res.status(), what).toBeLessThan(500);
          expect([401, 403], what).not.toContain(res.status());
          break;
        case "device-start":
          expect(res.status(), what).toBeLessThan(500);
          expect([401, 403], what).not.toContain(res.status());
          expect(res.headers()["claimlink-signature"], `${what}: signed`).toMatch(/^keyid="[0-9a-f]{16}"/);
          break;
      }
    }
  });

  test("a user's session cookie authorises no device route", async () => {
    for (const r of ROUTES.filter((r) =>
      ["device-signed", "device-session-token", "device-refusal"].includes(r.guard),
    )) {
      const res = await send(staff, r, ids);
      expect([401, 404, 405], `${label(r)} with a staff session`).toContain(res.status());
    }
  });

  test("another user's session on the owner's objects answers 404, never 403", async () => {
    for (const r of ROUTES.filter((r) => r.guard === "owner")) {
      const res = await send(other.api, r, ids);
      const what = `${label(r)} as another user`;
      expect(res.status(), what).toBe(404);
      expect(res.headers()["content-type"], what).toBe("application/problem+json");
      expect((await res.json()).code, what).toMatch(/^(not_found|device_not_found|claim_not_found|study_not_found)$/);
    }
  });

  test("another device's signature or session token on the owner's device objects is refused", async () => {
    const ack = await otherDevice.signed("POST", `/api/v1/devices/me/commands/${ids.commandId}`, '{"status":"done"}');
    expect(ack.status).toBe(404);
    expect((ack.body as { code: string }).code).toBe("command_not_found");
    const probe = new DeviceClient(BASE, null, { model: "guard-probe", firmware: "1.0.0" });
    const s = await probe.startSession();
    for (const r of ROUTES.filter((r) => r.guard === "device-session-token")) {
      const res = await send(anonymous, r, ids, { authorization: `Bearer ${s.sessionToken}` });
      await expectProblem(res, 401, "invalid_session_token", `${label(r)} with another session's token`);
    }
  });

  test("a non-staff session on every staff route answers 403 problem+json", async () => {
    for (const r of ROUTES.filter((r) => r.guard === "staff")) {
      await expectProblem(await send(owner.api, r, ids), 403, "forbidden", `${label(r)} as a participant`);
    }
  });

  test("a support session passes every staff read and every staff write answers 403 problem+json", async () => {
    const staffRoutes = ROUTES.filter((r) => r.guard === "staff");
    expect(staffRoutes.filter(isWrite).length).toBeGreaterThan(10);
    for (const r of staffRoutes) {
      const res = await send(support, r, ids);
      if (isWrite(r)) await expectProblem(res, 403, "forbidden", `${label(r)} as support`);
      else if (r.missing) await expectProblem(res, 404, "not_found", `${label(r)} as support`);
      else expect(res.status(), `${label(r)} as support`).toBe(200);
    }
    // Each refusal is audited as an access refusal, like a participant's.
    const log = await (await staff.get("/api/v1/staff/audit?action=access.refused&limit=100")).json();
    const paths = log.events
      .filter((e: { actorLabel: string }) => e.actorLabel.startsWith("guard-support"))
      .map((e: { detail: { path: string } }) => e.detail.path);
    expect(paths).toContain("/api/v1/staff/devices/bulk");
    expect(paths).toContain(`/api/v1/staff/devices/${ids.deviceId}/transfer`);
  });

  test("a disabled account's session is signed out on every route that needs a session", async () => {
    for (const r of ROUTES.filter((r) => SESSION_GUARDS.includes(r.guard))) {
      await expectProblem(await send(disabled, r, ids), 401, "unauthenticated", `${label(r)} as a disabled account`);
    }
  });

  test("every state-changing route of a signed-in person refuses a cross-site call (403 csrf_failed)", async () => {
    const crossSite: Record<string, string>[] = [
      { origin: "https://evil.example.net", "sec-fetch-site": "cross-site" },
      { origin: "https://evil.example.net" },
      { "sec-fetch-site": "cross-site" },
    ];
    for (const r of ROUTES.filter((r) => SESSION_GUARDS.includes(r.guard) && isWrite(r))) {
      const api = r.guard === "staff" ? staff : owner.api; // the session that could do it
      for (const headers of crossSite) {
        await expectProblem(
          await send(api, r, ids, headers),
          403,
          "csrf_failed",
          `${label(r)} with ${JSON.stringify(headers)}`,
        );
      }
    }
  });

  test("an API token is accepted on exactly the reads that name its scope, and judged alone, never with a cookie", async () => {
    // The scope of each operation, from the router's own OpenAPI document.
    const doc = await (await anonymous.get("/api/v1/openapi.json")).json();
    const scopeOf = (r: Row) =>
      doc.paths[r.route.replace(/\[(\w+)\]/g, "{$1}")]?.[r.method.toLowerCase()]?.["x-claimlink-token-scope"] as
        string | undefined;
    const made = await staff.post("/api/v1/me/tokens", {
      data: { name: "Guard staff", scopes: ["fleet:read", "audit:read"], expiresInDays: 1 },
    });
    expect(made.status()).toBe(201);
    const staffToken = (await made.json()).token as string;
    const sessionRoutes = ROUTES.filter((r) => SESSION_GUARDS.includes(r.guard));
    expect(sessionRoutes.filter((r) => scopeOf(r)).length).toBeGreaterThanOrEqual(12);
    for (const r of sessionRoutes) {
      const scope = scopeOf(r);
      for (const [who, token, holds] of [
        ["owner's devices:read", ownerToken, ["devices:read"]],
        ["staff's fleet:read audit:read", staffToken, ["fleet:read", "audit:read"]],
      ] as const) {
        const res = await send(anonymous, r, ids, { authorization: `Bearer ${token}` });
        const what = `${label(r)} with the ${who} token`;
        if (!scope) await expectProblem(res, 401, "token_not_accepted", what);
        else if (!(holds as readonly string[]).includes(scope))
          await expectProblem(res, 403, "insufficient_scope", what);
        else expect(res.status(), what).toBe(200);
      }
      // A cookie never rescues a bad token, nor lets a token reach a route that takes none.
      const withCookie = await send(r.guard === "staff" ? staff : owner.api, r, ids, {
        authorization: `Bearer clk_${"A".repeat(52)}`,
      });
      await expectProblem(
        withCookie,
        401,
        scope ? "invalid_token" : "token_not_accepted",
        `${label(r)}: cookie and a bad token`,
      );
    }
    // Another account's device, read with the owner's token: as if it did not exist.
    const theirs = await anonymous.get(`/api/v1/devices/${ids.deviceId}`, {
      headers: { authorization: `Bearer ${staffToken}` },
    });
    await expectProblem(theirs, 403, "insufficient_scope", "a staff token without devices:read");
    const otherDevices = await anonymous.get(`/api/v1/devices/${otherDeviceId}`, {
      headers: { authorization: `Bearer ${ownerToken}` },
    });
    await expectProblem(otherDevices, 404, "device_not_found", "the owner's token on another's device");
    // Refusals are audited (capped).
    const log = await (await staff.get("/api/v1/staff/audit?action=token.refused&limit=100")).json();
    expect(log.events.map((e: { detail: { code: string } }) => e.detail.code)).toEqual(
      expect.arrayContaining(["token_not_accepted", "insufficient_scope", "invalid_token"]),
    );
  });

  test("after all of it, the owner, the device and the command are as they were", async () => {
    const mine = await owner.api.get("/api/v1/me/sessions");
    expect(mine.status()).toBe(200);
    expect((await mine.json()).sessions.map((s: { id: string }) => s.id)).toContain(ids.sessionId);
    const profile = await ownerDevice.signed("GET", "/api/v1/devices/me");
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({ deviceId: ids.deviceId, name: ownerDeviceName });
    const commands = (profile.body as { commands: { id: string; type: string }[] }).commands;
    expect(commands.map((c) => [c.id, c.type])).toEqual([[ids.commandId, "identify"]]);
    const pending = await (await staff.get("/api/v1/staff/invitations")).json();
    expect(pending.invitations.map((i: { id: string }) => i.id)).toContain(ids.invitationId);
    const emails = pending.invitations.map((i: { email: string }) => i.email);
    expect(emails).not.toContain("guard-bulk@e2e.example.org");
    expect(emails).not.toContain("guard-probe@e2e.example.org");
    const device = await (await staff.get(`/api/v1/staff/devices/${ids.deviceId}`)).json();
    expect(device.owner.email).toBe(owner.email);
    expect(device.credentials.filter((c: { revokedAt: string | null }) => c.revokedAt === null)).toHaveLength(1);
    const tokens = await (await owner.api.get("/api/v1/me/tokens")).json();
    expect(tokens.tokens.find((t: { id: string }) => t.id === ids.tokenId)?.state).toBe("active");
    const study = await (await staff.get(`/api/v1/staff/studies/${ids.studyId}`)).json();
    expect(study.study).toMatchObject({ status: "draft", endsOn: "2027-12-31" });
    expect(study.consentVersions).toEqual([]);
    expect(study.researchers).toEqual([]);
  });

  test("refusals are audited: a claim with invalid input as claim.refused with the sid", async () => {
    const res = await owner.api.post("/api/v1/claims", { data: { sid: ids.sid, pop: "not a code" } });
    await expectProblem(res, 400, "invalid_request", "claim with a bad code");
    const log = await (await staff.get(`/api/v1/staff/audit?account=${ids.userId}&limit=50`)).json();
    const refused = log.events.find(
      (e: { action: string; detail: Record<string, unknown> }) =>
        e.action === "claim.refused" && e.detail.sid === ids.sid,
    );
    expect(refused?.detail).toEqual({ code: "invalid_request", method: "POST", path: "/api/v1/claims", sid: ids.sid });
    expect(refused?.outcome).toBe("failure");
  });
});

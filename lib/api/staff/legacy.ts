import { z } from "zod";
import { readText } from "../../http/csv";
import { json, MAX_JSON_BYTES, readJson, SMALL_BODY_BYTES } from "../../http/request";
import { idSchema } from "../../ids";
import {
  importLegacyNodesRequest,
  issueNodeCredentialRequest,
  issueNodeCredentialsInBulkRequest,
  legacyForStaff,
  revokeNodeCredentialRequest,
  patchLegacyNodeRequest,
  registerLegacyNodeRequest,
  setLegacySettingsRequest,
  staffUpgradeRequest,
} from "../../legacy/staff-api";
import {
  bulkCredentialsSchema,
  legacySettingsSchema,
  MAX_IMPORT_BYTES,
  nodePatchSchema,
  registerNodeSchema,
  staffUpgradeSchema,
} from "../../legacy/schemas";
import { jsonObject } from "../answers";
import type { Area } from "../define";

// Staff's side of legacy nodes (docs/legacy-ingest.md).

const node = z.object({ nodeId: idSchema("lgn") });
const BODY_ERRORS = ["invalid_request", "unsupported_media_type", "payload_too_large"] as const;
/** A node credential as shown once: the firmware's user and password fields. */
export const nodeCredentialAnswer = z.object({
  user: z.string().describe("The node's id: type it into the firmware's user field"),
  secret: z.string().describe("128 random bits in base32: the password field; shown only now"),
  hardwareId: z.string(),
});
const revokedAnswer = z.object({ nodeId: z.string(), revoked: z.literal(true) });

export const staffLegacy: Area = {
  tag: "staff/legacy",
  description:
    "Legacy nodes that send unsigned data by hardware id: registration, import, acceptance, upgrade to a claimed device.",
  routes: [
    {
      method: "GET",
      path: "/staff/legacy/nodes",
      guard: "staff",
      summary: "The legacy nodes and the acceptance settings",
      answers: { 200: { description: "`settings` and `nodes`.", schema: jsonObject } },
      handle: async () => json(await legacyForStaff()),
    },
    {
      method: "POST",
      path: "/staff/legacy/nodes",
      guard: "staff",
      summary: "Register a legacy node",
      body: { schema: registerNodeSchema },
      answers: { 201: { description: "The `node`.", schema: jsonObject } },
      errors: [...BODY_ERRORS, "not_found", "conflict", "name_taken"],
      refusals: "legacy.register_refused",
      handle: async ({ req, actor }) =>
        json(await registerLegacyNodeRequest(actor, await readJson(req, SMALL_BODY_BYTES)), 201),
    },
    {
      method: "PATCH",
      path: "/staff/legacy/nodes/{nodeId}",
      guard: "staff",
      summary: "Disable or enable a legacy node",
      params: node,
      body: { schema: nodePatchSchema, example: { disabled: true } },
      answers: { 200: { description: "The `node`.", schema: jsonObject } },
      errors: [...BODY_ERRORS, "not_found"],
      refusals: "legacy.update_refused",
      handle: async ({ req, actor, params }) =>
        json(await patchLegacyNodeRequest(actor, params.nodeId, await readJson(req, SMALL_BODY_BYTES))),
    },
    {
      method: "POST",
      path: "/staff/legacy/nodes/{nodeId}/upgrade",
      guard: "staff",
      summary: "Link a legacy node to a claimed device; its history moves over",
      params: node,
      body: { schema: staffUpgradeSchema },
      answers: { 200: { description: "The link and what moved.", schema: jsonObject } },
      errors: [...BODY_ERRORS, "not_found", "device_not_found", "conflict"],
      refusals: "legacy.link_refused",
      handle: async ({ req, actor, params }) =>
        json(await staffUpgradeRequest(actor, params.nodeId, await readJson(req, SMALL_BODY_BYTES))),
    },
    {
      method: "POST",
      path: "/staff/legacy/nodes/{nodeId}/credential",
      guard: "staff",
      summary: "Issue (or re-issue) a node's user and password",
      description:
        "The only time the secret is shown; only its hash is kept. A second POST replaces it: the old secret is refused from the next request on.",
      params: node,
      answers: { 201: { description: "The credential, shown once.", schema: nodeCredentialAnswer } },
      errors: ["not_found", "conflict"],
      refusals: "legacy.credential_refused",
      handle: async ({ actor, params }) => json(await issueNodeCredentialRequest(actor, params.nodeId), 201),
    },
    {
      method: "DELETE",
      path: "/staff/legacy/nodes/{nodeId}/credential",
      guard: "staff",
      summary: "Withdraw a node's credential",
      description:
        "Its secret, and the node without one, are refused from the next request on, until a new one is issued.",
      params: node,
      answers: { 200: { description: "Withdrawn.", schema: revokedAnswer } },
      errors: ["not_found"],
      refusals: "legacy.credential_refused",
      handle: async ({ actor, params }) => json(await revokeNodeCredentialRequest(actor, params.nodeId)),
    },
    {
      method: "POST",
      path: "/staff/legacy/credentials",
      guard: "staff",
      summary: "Issue credentials for many nodes at once",
      description:
        "All or nothing. The CSV (`hardware id, owner email, name, user, password`) is the only time the secrets are shown.",
      body: { schema: bulkCredentialsSchema, example: { hardwareIds: ["esp8266-1234567"] } },
      answers: {
        201: {
          description: "How many, and the CSV shown once.",
          schema: z.object({ count: z.number().int(), csv: z.string() }),
        },
      },
      errors: BODY_ERRORS,
      refusals: "legacy.credential_refused",
      handle: async ({ req, actor }) =>
        json(await issueNodeCredentialsInBulkRequest(actor, await readJson(req, MAX_JSON_BYTES)), 201),
    },
    {
      method: "POST",
      path: "/staff/legacy/import",
      guard: "staff",
      summary: "Register legacy nodes from CSV lines `hardware id, owner email, name`",
      body: { schema: z.string().describe("CSV, at most 256 KiB and 1000 lines"), type: "text/csv" },
      answers: { 200: { description: "Each line registered or why not.", schema: jsonObject } },
      errors: BODY_ERRORS,
      refusals: "legacy.import_refused",
      handle: async ({ req, actor }) =>
        json(await importLegacyNodesRequest(actor, await readText(req, MAX_IMPORT_BYTES))),
    },
    {
      method: "PUT",
      path: "/staff/legacy/settings",
      guard: "staff",
      summary: "Accept any legacy node, and until when",
      body: { schema: legacySettingsSchema, example: { acceptAny: true, cutoffAt: null } },
      answers: { 200: { description: "The settings.", schema: jsonObject } },
      errors: BODY_ERRORS,
      refusals: "legacy.settings_refused",
      handle: async ({ req, actor, user }) =>
        json(await setLegacySettingsRequest(actor, user, await readJson(req, SMALL_BODY_BYTES))),
    },
  ],
};

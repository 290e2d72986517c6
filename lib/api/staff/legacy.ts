import { z } from "zod";
import { readText } from "../../http/csv";
import { json, readJson, SMALL_BODY_BYTES } from "../../http/request";
import { idSchema } from "../../ids";
import {
  importLegacyNodesRequest,
  legacyForStaff,
  patchLegacyNodeRequest,
  registerLegacyNodeRequest,
  setLegacySettingsRequest,
  staffUpgradeRequest,
} from "../../legacy/api";
import {
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

import { z } from "zod";
import { json, readJson, SMALL_BODY_BYTES } from "../../http/request";
import { deleteModelRequest, modelsForStaff, saveModelRequest, setModelPolicyRequest } from "../../models/api";
import { MODEL_PATTERN, modelInputSchema, modelPolicySchema } from "../../models/schemas";
import { jsonObject } from "../answers";
import type { Area } from "../define";

// The registry of device models and the policy a session start is judged by.

export const staffModels: Area = {
  tag: "staff/models",
  description:
    "Device models (display name, firmware allowed, properties) and the model policy: open, or registry only.",
  routes: [
    {
      method: "GET",
      path: "/staff/models",
      guard: "staff",
      summary: "The models, the policy and readings of properties no model lists",
      answers: { 200: { description: "`policy`, `models` and `unlisted`.", schema: jsonObject } },
      handle: async () => json(await modelsForStaff()),
    },
    {
      method: "POST",
      path: "/staff/models",
      guard: "staff",
      summary: "Add or change a model",
      body: { schema: modelInputSchema },
      answers: { 200: { description: "The `model`.", schema: jsonObject } },
      errors: ["invalid_request", "unsupported_media_type", "payload_too_large"],
      refusals: "model.refused",
      handle: async ({ req, actor }) => json(await saveModelRequest(actor, await readJson(req, SMALL_BODY_BYTES))),
    },
    {
      method: "DELETE",
      path: "/staff/models/{model}",
      guard: "staff",
      summary: "Remove a model from the registry",
      params: z.object({ model: z.string().regex(MODEL_PATTERN) }),
      answers: { 200: { description: "`deleted`.", schema: z.object({ deleted: z.string() }) } },
      errors: ["not_found", "conflict"],
      refusals: "model.refused",
      handle: async ({ actor, params }) => json(await deleteModelRequest(actor, params.model)),
    },
    {
      method: "PUT",
      path: "/staff/model-policy",
      guard: "staff",
      summary: "Set the model policy",
      body: { schema: modelPolicySchema, example: { policy: "registry" } },
      answers: { 200: { description: "The policy.", schema: modelPolicySchema } },
      errors: ["invalid_request", "unsupported_media_type", "payload_too_large"],
      refusals: "model.refused",
      handle: async ({ req, actor }) => json(await setModelPolicyRequest(actor, await readJson(req, SMALL_BODY_BYTES))),
    },
  ],
};

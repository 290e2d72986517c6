import { z } from "zod";
import { firmwareForStaff, uploadFirmwareRequest, yankFirmwareRequest } from "../../firmware/api";
import { json, queryOf } from "../../http/request";
import { MODEL_PATTERN } from "../../models/schemas";
import { jsonObject } from "../answers";
import type { Area } from "../define";

// Firmware images signed offline (docs/protocol.md section 7): staff upload, list and yank them.

export const staffFirmware: Area = {
  tag: "staff/firmware",
  description: "Firmware images: upload one signed by a firmware key, list them per model, yank one.",
  routes: [
    {
      method: "GET",
      path: "/staff/firmware",
      guard: "staff",
      summary: "The firmware keys, the size cap and every model's images",
      query: z.object({ model: z.string().regex(MODEL_PATTERN).optional() }),
      answers: {
        200: {
          description: "`keys`, `maxBytes` and `models` (each with its `images`, newest first).",
          schema: jsonObject,
        },
      },
      errors: ["invalid_request"],
      handle: async ({ req }) => json(await firmwareForStaff(queryOf(req).model)),
    },
    {
      method: "POST",
      path: "/staff/firmware",
      guard: "staff",
      summary: "Upload a firmware image signed offline",
      description:
        "multipart/form-data: `model`, `version`, `sig` (firmwareSig, base64url), `notes` (optional) and `image` (the file). " +
        "Refused, storing nothing, unless the signature verifies under a configured firmware key over exactly this image, " +
        "model and version.",
      body: {
        type: "multipart/form-data",
        schema: z.object({
          model: z.string(),
          version: z.string(),
          sig: z.string(),
          notes: z.string().optional(),
          image: z.string().describe("the image file (binary)"),
        }),
      },
      answers: { 201: { description: "The stored image.", schema: jsonObject } },
      errors: [
        "invalid_request",
        "unsupported_media_type",
        "firmware_keys_not_configured",
        "firmware_model_unknown",
        "firmware_version_invalid",
        "firmware_version_exists",
        "firmware_image_exists",
        "firmware_too_large",
        "firmware_signature_invalid",
      ],
      handle: async ({ req, actor }) => json(await uploadFirmwareRequest(actor, req), 201),
    },
    {
      method: "POST",
      path: "/staff/firmware/{sha256}/yank",
      guard: "staff",
      summary: "Yank an image: no new update may use it",
      params: z.object({ sha256: z.string() }),
      answers: { 200: { description: "The image, with `yankedAt`.", schema: jsonObject } },
      errors: ["firmware_not_found", "firmware_yanked"],
      handle: async ({ actor, params }) => json(await yankFirmwareRequest(actor, params.sha256)),
    },
  ],
};

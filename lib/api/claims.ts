import { z } from "zod";
import { json, queryParam, readJson, SMALL_BODY_BYTES } from "../http/request";
import { idSchema } from "../ids";
import { createClaimRequest, previewClaimRequest, waitForClaimRequest } from "../provisioning/owner-api";
import { claimPreviewSchema, claimRequestSchema, waitSchema } from "../provisioning/schemas";
import { claimAnswer, claimPreviewAnswer } from "./answers";
import type { Area } from "./define";

// A person claims the device whose code they scanned, and follows the claim to its end
// (docs/protocol.md section 2).

const CLAIM_ERRORS = [
  "invalid_request",
  "unsupported_media_type",
  "payload_too_large",
  "session_not_found",
  "session_locked",
  "session_claimed",
  "claim_in_progress",
  "device_offline",
  "quota_exceeded",
  "device_owned_by_other",
  "not_owner",
  "rate_limited",
  // A claim for a study (docs/studies.md "Claiming for a study").
  "study_required",
  "study_not_found",
  "study_closed",
  "consent_required",
  "model_not_in_study",
] as const;

export const claims: Area = {
  tag: "claims",
  description:
    "A signed-in person claims a device by the code on its screen and follows the claim until the device answered (docs/protocol.md section 2).",
  routes: [
    {
      method: "POST",
      path: "/claims",
      guard: "user",
      summary: "Claim the device showing a code",
      description:
        "`sid` and `pop` come from the QR (`/claim#<sid>.<pop>`); case, spaces and dashes do not matter. " +
        "`replaces` names the caller's own device whose record the new hardware continues. `study` names " +
        "the study the device is for; needed only by someone in more than one.",
      body: {
        schema: claimRequestSchema,
        example: { sid: "MFRGGZDFMZTWQ2LKNNWG23TPOA", pop: "GEZDGNBVGY3TQOJQGEZDGNBVGY" },
      },
      answers: {
        202: {
          description: "The claim waits for the device's answer: follow it with GET /claims/{claimId}.",
          schema: claimAnswer,
          example: {
            claimId: "clm_7Q2MABCDEFGHIJKL",
            state: "waiting_for_device",
            expiresAt: "2026-11-23T00:03:30Z",
            model: "coreink-heat",
            firmware: "1.4.2",
          },
        },
      },
      errors: CLAIM_ERRORS,
      refusals: "claim.refused",
      handle: async ({ req, actor, user, auditContext }) =>
        json(await createClaimRequest(actor, user, await readJson(req, SMALL_BODY_BYTES), auditContext), 202),
    },
    {
      method: "POST",
      path: "/claims/preview",
      guard: "user",
      summary: "The model and firmware of the device showing a code",
      description: "POST, not GET: the session id stays out of URLs and logs.",
      body: { schema: claimPreviewSchema, example: { sid: "MFRGGZDFMZTWQ2LKNNWG23TPOA" } },
      answers: {
        200: {
          description: "What the device reported when it started its session.",
          schema: claimPreviewAnswer,
          example: { model: "coreink-heat", firmware: "1.4.2" },
        },
      },
      errors: ["invalid_request", "unsupported_media_type", "payload_too_large", "session_not_found"],
      handle: async ({ req, user }) => json(await previewClaimRequest(user, await readJson(req, SMALL_BODY_BYTES))),
    },
    {
      method: "GET",
      path: "/claims/{claimId}",
      guard: "owner",
      summary: "Follow a claim (long poll)",
      description:
        "Answers at once unless the claim still waits for the device, else when it ends or `wait` seconds " +
        "(0 to 30) run out. Another account's claim is `claim_not_found`.",
      params: z.object({ claimId: idSchema("clm") }),
      query: z.object({ wait: waitSchema.optional() }),
      answers: {
        200: {
          description: "The claim: `claimed` with the device, `failed` with a reason, or still waiting.",
          schema: claimAnswer,
          example: {
            claimId: "clm_7Q2MABCDEFGHIJKL",
            state: "claimed",
            expiresAt: "2026-11-23T00:03:30Z",
            deviceId: "dev_K3J7ABCDEFGHIJKL",
            deviceName: "Living room",
            model: "coreink-heat",
            firmware: "1.4.2",
          },
        },
      },
      errors: ["invalid_request", "claim_not_found"],
      handle: async ({ req, user, params }) =>
        json(await waitForClaimRequest(user, params.claimId, queryParam(req, "wait"), req.signal)),
    },
  ],
};

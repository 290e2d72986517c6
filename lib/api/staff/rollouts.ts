import { z } from "zod";
import {
  adoptionRequest,
  createRolloutRequest,
  listRolloutsRequest,
  rolloutRequest,
  steerRolloutRequest,
} from "../../firmware/rollouts/api";
import { createRolloutSchema, rolloutIdParams } from "../../firmware/rollouts/schemas";
import { json, readJson, SMALL_BODY_BYTES } from "../../http/request";
import { jsonObject } from "../answers";
import type { Area, RouteDef } from "../define";

// Staged firmware rollouts (docs/firmware.md "Rollouts"): staff create and steer them; the
// engine (lib/firmware/rollouts/engine.ts) advances them from housekeeping.

const BODY_ERRORS = ["invalid_request", "unsupported_media_type", "payload_too_large"] as const;
const steered = z.object({ id: z.string(), status: z.enum(["running", "paused", "aborted", "completed"]) });

const steer = (action: "pause" | "resume" | "abort", summary: string, description: string): RouteDef => ({
  method: "POST",
  path: `/staff/firmware/rollouts/{rolloutId}/${action}`,
  guard: "staff",
  summary,
  description,
  params: rolloutIdParams,
  answers: { 200: { description: "The rollout's id and new status.", schema: steered } },
  errors: ["not_found", "status_transition_not_allowed", ...(action === "resume" ? (["conflict"] as const) : [])],
  refusals: "rollout.refused",
  handle: async ({ actor, params }) => json(await steerRolloutRequest(actor, params.rolloutId, action)),
});

export const staffRollouts: Area = {
  tag: "staff/firmware-rollouts",
  description:
    "Staged firmware rollouts: an image sent to a model's devices (or a selection) in stages, paused " +
    "automatically when a stage's failures reach the threshold; the firmware versions devices run.",
  routes: [
    {
      method: "GET",
      path: "/staff/firmware/rollouts",
      guard: "staff",
      summary: "The rollouts, newest first, with their totals",
      answers: { 200: { description: "`rollouts`.", schema: jsonObject } },
      handle: async () => json(await listRolloutsRequest()),
    },
    {
      method: "POST",
      path: "/staff/firmware/rollouts",
      guard: "staff",
      summary: "Start a rollout",
      description:
        "The target resolves now to the active devices of the image's model (others are left out and counted). " +
        "Refused for a yanked image, while another rollout of the model is running or paused, or when a " +
        "selection no longer has `expectedCount` devices.",
      body: {
        schema: createRolloutSchema,
        example: {
          sha256: "c8f5d0341d54d951a71b136e6e2afcb14d11ed8489a7ae126a8fee0df6ecf193",
          target: { kind: "model" },
          stages: [
            { percent: 1, soakMinutes: 60 },
            { percent: 10, soakMinutes: 240 },
            { percent: 50, soakMinutes: 1440 },
            { percent: 100, soakMinutes: 0 },
          ],
          failureThreshold: { percent: 5, count: 3 },
          expiryHours: 168,
        },
      },
      answers: {
        201: {
          description: "The rollout's id, its status and how many devices it reaches or left out.",
          schema: z.object({ id: z.string(), status: z.string(), devices: z.number(), excluded: z.number() }),
        },
      },
      errors: [...BODY_ERRORS, "firmware_not_found", "firmware_yanked", "conflict"],
      refusals: "rollout.refused",
      handle: async ({ req, actor }) =>
        json(await createRolloutRequest(actor, await readJson(req, SMALL_BODY_BYTES)), 201),
    },
    {
      method: "GET",
      path: "/staff/firmware/rollouts/{rolloutId}",
      guard: "staff",
      summary: "A rollout and its progress per stage",
      description:
        "Per stage: waiting, queued, in progress, done, failed by code (rolled back included), expired, skipped.",
      params: rolloutIdParams,
      answers: { 200: { description: "The rollout.", schema: jsonObject } },
      errors: ["not_found"],
      handle: async ({ params }) => json(await rolloutRequest(params.rolloutId)),
    },
    steer("pause", "Pause a rollout", "No further command is issued until it is resumed."),
    steer(
      "resume",
      "Resume a paused rollout",
      "The stage's failures so far are accepted; the threshold counts only later ones. Refused once the image is yanked.",
    ),
    steer(
      "abort",
      "Abort a rollout",
      "For good: its commands no device has taken yet expire at once, so no device gets them any more.",
    ),
    {
      method: "GET",
      path: "/staff/firmware/adoption",
      guard: "staff",
      summary: "The firmware versions active devices run, per model",
      answers: {
        200: {
          description: "`models`: each with its `versions` (newest first) and device counts.",
          schema: jsonObject,
        },
      },
      handle: async () => json(await adoptionRequest()),
    },
  ],
};

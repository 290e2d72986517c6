import { z } from "zod";
import {
  fusedMeasurements,
  fusedProfile,
  postCommandAck,
  getDeviceProfile,
  postMeasurements,
} from "../devices/device-api";
import { MAX_MEASUREMENTS_BYTES } from "../devices/measurements";
import { commandAckSchema } from "../devices/schemas";
import { idSchema } from "../ids";
import { commandAckAnswer, deviceProfileAnswer, measurementBatchDoc, measurementsAnswer } from "./answers";
import type { Area } from "./define";

// The signed device API (docs/protocol.md section 4): every request carries a Claimlink-HMAC
// signature, checked over the raw body before anything is parsed; every answer carries a
// response MAC and the server's signature.

export const devicesMe: Area = {
  tag: "devices/me",
  description:
    "What a claimed device sends and fetches, signed with its credential (docs/protocol.md sections " +
    "3 and 4). Every answer carries Claimlink-Response-MAC and Claimlink-Signature.",
  routes: [
    {
      method: "GET",
      path: "/devices/me",
      guard: "device-signed",
      summary: "The device's identity, configuration and pending commands",
      answers: {
        200: {
          description: "The device's profile.",
          schema: deviceProfileAnswer,
          example: {
            deviceId: "dev_K3J7ABCDEFGHIJKL",
            name: "Living room",
            config: { measurementIntervalSeconds: 60 },
            commands: [
              {
                id: "cmd_Q7R2ABCDEFGHIJKL",
                type: "set_config",
                params: { measurementIntervalSeconds: 120 },
                issuedAt: "2026-11-23T00:10:00Z",
                expiresAt: "2026-11-24T00:10:00Z",
              },
              {
                id: "cmd_U5P3ABCDEFGHIJKL",
                type: "update_firmware",
                params: {
                  model: "coreink-heat",
                  version: "1.5.0",
                  size: 4096,
                  sha256: "c8f5d0341d54d951a71b136e6e2afcb14d11ed8489a7ae126a8fee0df6ecf193",
                  kid: "09e17ad8d663a41e",
                  sig: "bKpWxhUt30XOWkpy7ukEiNVOHOKOqnzIfbi9zpPUe4qy-wvvKpeNUyRi-4FJjneIHsa_2QO-YJIl6mNGQ8MCow",
                  url: "https://app.example.org/api/v1/firmware/c8f5d0341d54d951a71b136e6e2afcb14d11ed8489a7ae126a8fee0df6ecf193",
                },
                issuedAt: "2026-11-23T00:10:00Z",
                expiresAt: "2026-12-07T00:10:00Z",
              },
            ],
          },
        },
      },
      errors: ["device_not_found"],
      handle: getDeviceProfile,
      fused: fusedProfile,
    },
    {
      method: "POST",
      path: "/devices/me/measurements",
      guard: "device-signed",
      summary: "Send a batch of readings",
      description:
        "At most 1000 items and 256 KiB. Stored idempotently: the same (device, property, time) again counts as a duplicate; a bad item costs only itself.",
      maxBytes: MAX_MEASUREMENTS_BYTES,
      body: {
        schema: measurementBatchDoc,
        example: {
          measurements: [{ property: "temperature", unit: "Cel", time: "2026-11-23T00:00:00Z", value: 21.5 }],
        },
      },
      answers: {
        200: {
          description: "How many readings were stored, already there, or rejected (with each one's index and code).",
          schema: measurementsAnswer,
          example: { accepted: 1, duplicates: 0, rejected: [{ index: 3, code: "invalid_time" }] },
        },
      },
      errors: ["rate_limited"],
      handle: postMeasurements,
      fused: fusedMeasurements,
    },
    {
      method: "POST",
      path: "/devices/me/commands/{commandId}",
      guard: "device-signed",
      summary: "Report a command's outcome",
      description:
        "`done` or `failed` settles the command; (1.2) `in_progress` may come any number of times before (the command stays listed), " +
        "`firmware` with done or failed records the version the device runs now, and a failure's code is the part of `detail` before ':' " +
        "(section 7: wrong_model, bad_signature, downgrade, too_large, hash_mismatch, download_failed, rolled_back). " +
        "The other settled status is `conflict`; `in_progress` after done or failed is `command_settled`.",
      params: z.object({ commandId: idSchema("cmd") }),
      body: {
        schema: commandAckSchema,
        example: {
          status: "failed",
          detail: "hash_mismatch: the image does not hash to params.sha256",
          firmware: "1.4.2",
        },
      },
      answers: {
        200: {
          description: "The command's recorded outcome (the same report again answers the same).",
          schema: commandAckAnswer,
          example: { id: "cmd_Q7R2ABCDEFGHIJKL", status: "failed" },
        },
      },
      errors: ["command_not_found", "command_expired", "conflict", "command_settled"],
      handle: postCommandAck,
    },
  ],
};

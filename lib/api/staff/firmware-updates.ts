import { z } from "zod";
import {
  acknowledgeFirmwareAlarmRequest,
  deviceFirmwareHistory,
  firmwareAlarms,
  sendFirmwareUpdateRequest,
} from "../../firmware/update-api";
import { sendUpdateSchema } from "../../firmware/update-schemas";
import { json, readJson, SMALL_BODY_BYTES } from "../../http/request";
import { idSchema } from "../../ids";
import { jsonObject } from "../answers";
import type { Area } from "../define";

// Firmware updates of one device and the bad_signature alarms (docs/protocol.md section 7).

const device = z.object({ deviceId: idSchema("dev") });
const BODY_ERRORS = ["invalid_request", "unsupported_media_type", "payload_too_large"] as const;

export const staffFirmwareUpdates: Area = {
  tag: "staff/firmware-updates",
  description:
    "Send one device a signed firmware image, its update history, and the alarms of devices that refused an update's signature.",
  routes: [
    {
      method: "POST",
      path: "/staff/devices/{deviceId}/firmware-update",
      guard: "staff",
      summary: "Send one device a firmware update",
      description:
        "Queues the update_firmware command of section 7 for an image of the device's model, expiring after 1 to 30 days. " +
        "Refused for an unknown or withdrawn image, an image of another model, a device that is not active, or one with an update still open.",
      params: device,
      body: {
        schema: sendUpdateSchema,
        example: { sha256: "c8f5d0341d54d951a71b136e6e2afcb14d11ed8489a7ae126a8fee0df6ecf193", expiresInDays: 7 },
      },
      answers: {
        201: {
          description: "The queued command.",
          schema: z.object({ commandId: idSchema("cmd"), expiresAt: z.string() }),
          example: { commandId: "cmd_U5P3ABCDEFGHIJKL", expiresAt: "2026-12-14T08:00:00.000Z" },
        },
      },
      errors: [
        ...BODY_ERRORS,
        "device_not_found",
        "device_not_active",
        "firmware_not_found",
        "firmware_yanked",
        "firmware_model_mismatch",
        "firmware_update_open",
      ],
      refusals: "firmware.update_refused",
      handle: async ({ req, actor, params }) =>
        json(await sendFirmwareUpdateRequest(actor, params.deviceId, await readJson(req, SMALL_BODY_BYTES)), 201),
    },
    {
      method: "GET",
      path: "/staff/devices/{deviceId}/firmware-updates",
      guard: "staff",
      token: "fleet:read",
      summary: "A device's firmware updates, newest first",
      params: device,
      answers: {
        200: {
          description: "From and to version, status, failure code and times of each update.",
          schema: z.object({ updates: z.array(jsonObject) }),
        },
      },
      errors: ["device_not_found"],
      handle: async ({ params }) => json({ updates: await deviceFirmwareHistory(params.deviceId) }),
    },
    {
      method: "GET",
      path: "/staff/firmware/alarms",
      guard: "staff",
      summary: "Open bad_signature alarms",
      description:
        "Devices that refused an update because no firmware key they pin signed it (SECURITY.md), until acknowledged.",
      answers: { 200: { description: "`total` and the newest `alarms`.", schema: jsonObject } },
      handle: async () => json(await firmwareAlarms()),
    },
    {
      method: "POST",
      path: "/staff/firmware/alarms/{commandId}/acknowledge",
      guard: "staff",
      summary: "Acknowledge a bad_signature alarm",
      params: z.object({ commandId: idSchema("cmd") }),
      answers: { 200: { description: "When it was acknowledged.", schema: jsonObject } },
      errors: ["command_not_found"],
      refusals: "firmware.alarm_refused",
      handle: async ({ actor, params }) => json(await acknowledgeFirmwareAlarmRequest(actor, params.commandId)),
    },
  ],
};

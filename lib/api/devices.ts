import { z } from "zod";
import {
  endShareRequest,
  myDevices,
  myDeviceView,
  myDeviceSeries,
  ownerCommandRequest,
  releaseDeviceRequest,
  renameMyDevice,
  reportLostRequest,
  shareDeviceRequest,
} from "../devices/owner-api";
import { exportMyDeviceCsv } from "../devices/export-api";
import {
  deviceNameSchema,
  exportQuerySchema,
  ownerCommandSchema,
  seriesQuerySchema,
  shareInputSchema,
} from "../devices/schemas";
import { json, queryOf, readJson, SMALL_BODY_BYTES } from "../http/request";
import { idSchema } from "../ids";
import {
  issueMyNodeCredentialRequest,
  linkLegacyNodeRequest,
  revokeMyNodeCredentialRequest,
} from "../legacy/owner-api";
import { linkSchema } from "../legacy/schemas";
import { commandAnswer, jsonObject } from "./answers";
import type { Area } from "./define";
import { nodeCredentialAnswer } from "./staff/legacy";

// An owner's devices: rename, history, commands, sharing, lost or stolen, release. Every route
// answers another account's device as `device_not_found` (404), never 403.

const device = z.object({ deviceId: idSchema("dev") });
const BODY_ERRORS = ["invalid_request", "unsupported_media_type", "payload_too_large"] as const;
const noContent = { description: "Done; no body." };

export const devices: Area = {
  tag: "devices",
  description:
    "A signed-in owner's devices. Viewers of a shared device may read its values and history only; anyone else gets `device_not_found`.",
  routes: [
    {
      method: "GET",
      path: "/devices",
      guard: "user",
      token: "devices:read",
      summary: "The account's devices: owned, shared with it, and released",
      answers: {
        200: {
          description: "`owned`, `shared` and `released`, each device with its status and latest values.",
          schema: jsonObject,
        },
      },
      handle: async ({ user }) => json(await myDevices(user)),
    },
    {
      method: "GET",
      path: "/devices/{deviceId}",
      guard: "owner",
      token: "devices:read",
      summary: "One device: its model, firmware, status, interval and latest values",
      params: device,
      answers: { 200: { description: "The device as its owner or a viewer sees it.", schema: jsonObject } },
      errors: ["device_not_found"],
      handle: async ({ user, params }) => json(await myDeviceView(user, params.deviceId)),
    },
    {
      method: "PATCH",
      path: "/devices/{deviceId}",
      guard: "owner",
      summary: "Rename a device",
      params: device,
      body: { schema: deviceNameSchema, example: { name: "Living room" } },
      answers: { 200: { description: "The device's new name.", schema: jsonObject } },
      errors: [...BODY_ERRORS, "device_not_found", "name_taken"],
      refusals: "device.rename_refused",
      handle: async ({ req, actor, user, params }) =>
        json(await renameMyDevice(actor, user, params.deviceId, await readJson(req, SMALL_BODY_BYTES))),
    },
    {
      method: "GET",
      path: "/devices/{deviceId}/series",
      guard: "owner",
      token: "devices:read",
      summary: "A device's readings over 24 h, 7 d or 30 d, for its chart",
      params: device,
      query: seriesQuerySchema,
      answers: { 200: { description: "`range` and the series by property.", schema: jsonObject } },
      errors: ["invalid_request", "device_not_found"],
      handle: async ({ req, user, params }) => json(await myDeviceSeries(user, params.deviceId, queryOf(req))),
    },
    {
      method: "GET",
      path: "/devices/{deviceId}/export",
      guard: "owner",
      token: "devices:read",
      summary: "A device's readings as CSV",
      description: "`from` (inclusive) and `to` (exclusive): a date (UTC midnight) or an RFC 3339 time. Streamed.",
      params: device,
      query: exportQuerySchema,
      answers: {
        200: {
          description: "time, property, value, unit and verified columns, times in UTC.",
          type: "text/csv",
        },
      },
      errors: ["invalid_request", "device_not_found"],
      handle: async ({ req, user, params }) => exportMyDeviceCsv(user, params.deviceId, queryOf(req)),
    },
    {
      method: "POST",
      path: "/devices/{deviceId}/commands",
      guard: "owner",
      summary: "Send the device a command (identify, measurement interval)",
      description:
        "The interval is bounded by CLAIMLINK_OWNER_INTERVAL_MIN/MAX_SECONDS; 60 commands an hour per account.",
      params: device,
      body: { schema: ownerCommandSchema, example: { type: "set_interval", measurementIntervalSeconds: 300 } },
      answers: { 201: { description: "The queued command.", schema: commandAnswer } },
      errors: [...BODY_ERRORS, "device_not_found", "conflict", "rate_limited"],
      refusals: "device.command_refused",
      handle: async ({ req, actor, user, params }) =>
        json(await ownerCommandRequest(actor, user, params.deviceId, await readJson(req, SMALL_BODY_BYTES)), 201),
    },
    {
      method: "POST",
      path: "/devices/{deviceId}/lost",
      guard: "owner",
      summary: "Report a device lost or stolen",
      description: "Revokes its credential at once; the record, name and history stay the owner's.",
      params: device,
      answers: { 200: { description: "The device's id and when it was reported.", schema: jsonObject } },
      errors: ["device_not_found"],
      refusals: "device.lost_refused",
      handle: async ({ actor, user, params }) => json(await reportLostRequest(actor, user, params.deviceId)),
    },
    {
      method: "POST",
      path: "/devices/{deviceId}/release",
      guard: "owner",
      summary: "Release a device",
      description: "Revokes its credential and ends its shares; the former owner keeps its history up to now.",
      params: device,
      answers: { 204: noContent },
      errors: ["device_not_found"],
      refusals: "device.release_refused",
      handle: async ({ actor, user, params }) => {
        await releaseDeviceRequest(actor, user, params.deviceId);
        return new Response(null, { status: 204 });
      },
    },
    {
      method: "POST",
      path: "/devices/{deviceId}/shares",
      guard: "owner",
      summary: "Share a device with another account, as a viewer",
      params: device,
      body: { schema: shareInputSchema, example: { email: "housemate@example.org" } },
      answers: { 201: { description: "The share.", schema: jsonObject } },
      errors: [...BODY_ERRORS, "device_not_found", "not_found", "conflict", "rate_limited"],
      refusals: "device.share_refused",
      handle: async ({ req, actor, user, params }) =>
        json(await shareDeviceRequest(actor, user, params.deviceId, await readJson(req, SMALL_BODY_BYTES)), 201),
    },
    {
      method: "DELETE",
      path: "/devices/{deviceId}/shares/{shareId}",
      guard: "owner",
      summary: "End a share",
      params: device.extend({ shareId: idSchema("shr") }),
      answers: { 204: noContent },
      errors: ["device_not_found", "not_found"],
      refusals: "device.share_end_refused",
      handle: async ({ actor, user, params }) => {
        await endShareRequest(actor, user, params.deviceId, params.shareId);
        return new Response(null, { status: 204 });
      },
    },
    {
      method: "POST",
      path: "/devices/{deviceId}/legacy-link",
      guard: "owner",
      summary: "Link the device to the owner's legacy node",
      description:
        "The node's history moves over (at its level, `none` or `secret`) and its hardware id is refused by the legacy route from then on.",
      params: device,
      body: { schema: linkSchema, example: { hardwareId: "esp8266-1234567" } },
      answers: { 200: { description: "The link and what moved.", schema: jsonObject } },
      errors: [...BODY_ERRORS, "device_not_found", "not_found", "conflict"],
      refusals: "legacy.link_refused",
      handle: async ({ req, actor, user, params }) =>
        json(await linkLegacyNodeRequest(actor, user, params.deviceId, await readJson(req, SMALL_BODY_BYTES))),
    },
    {
      method: "POST",
      path: "/devices/{deviceId}/legacy-credential",
      guard: "owner",
      summary: "Issue (or re-issue) the user and password of the owner's legacy node",
      description:
        "For a device record that is a legacy node. The only time the secret is shown; a second POST replaces it at once.",
      params: device,
      answers: { 201: { description: "The credential, shown once.", schema: nodeCredentialAnswer } },
      errors: ["device_not_found", "conflict"],
      refusals: "legacy.credential_refused",
      handle: async ({ actor, user, params }) =>
        json(await issueMyNodeCredentialRequest(actor, user, params.deviceId), 201),
    },
    {
      method: "DELETE",
      path: "/devices/{deviceId}/legacy-credential",
      guard: "owner",
      summary: "Withdraw the credential of the owner's legacy node",
      params: device,
      answers: {
        200: { description: "Withdrawn.", schema: z.object({ nodeId: z.string(), revoked: z.literal(true) }) },
      },
      errors: ["device_not_found", "not_found"],
      refusals: "legacy.credential_refused",
      handle: async ({ actor, user, params }) =>
        json(await revokeMyNodeCredentialRequest(actor, user, params.deviceId)),
    },
  ],
};

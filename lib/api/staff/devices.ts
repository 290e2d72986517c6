import { z } from "zod";
import { bulkActionSchema } from "../../devices/bulk";
import {
  bulkActionRequest,
  bulkPreview,
  fleet,
  fleetCsv,
  fleetSummaryRequest,
  queueCommandRequest,
  revokeDeviceRequest,
  staffDevice,
  staffDeviceSeries,
  transferDeviceRequest,
} from "../../devices/staff-api";
import {
  commandInputSchema,
  fleetFilterSchema,
  fleetPageSchema,
  seriesQuerySchema,
  summaryQuerySchema,
} from "../../devices/schemas";
import { transferInputSchema } from "../../devices/transfer";
import { csvResponse } from "../../http/csv";
import { json, queryOf, readJson, SMALL_BODY_BYTES } from "../../http/request";
import { idSchema } from "../../ids";
import { commandAnswer, jsonObject } from "../answers";
import type { Area } from "../define";

// The fleet console (docs/staff-console.md): lists, summaries, bulk actions, one device's page.

const device = z.object({ deviceId: idSchema("dev") });
const BODY_ERRORS = ["invalid_request", "unsupported_media_type", "payload_too_large"] as const;
const today = () => new Date().toISOString().slice(0, 10);

export const staffDevices: Area = {
  tag: "staff/devices",
  description:
    "The fleet console: filtered, sorted cursor pages of any fleet, summaries, bulk actions, CSV, one device's page.",
  routes: [
    {
      method: "GET",
      path: "/staff/devices",
      guard: "staff",
      token: "fleet:read",
      summary: "A page of the fleet",
      description: "Filters (status, model, firmware, owner, last seen before/after, free text), sort and cursor.",
      query: fleetPageSchema,
      answers: { 200: { description: "`devices` and `nextCursor`.", schema: jsonObject } },
      errors: ["invalid_request"],
      handle: async ({ req }) => json(await fleet(queryOf(req))),
    },
    {
      method: "GET",
      path: "/staff/devices/summary",
      guard: "staff",
      token: "fleet:read",
      summary: "Counts over the filtered fleet",
      query: summaryQuerySchema,
      answers: { 200: { description: "By status, model and firmware; never reported; silent.", schema: jsonObject } },
      errors: ["invalid_request"],
      handle: async ({ req }) => json(await fleetSummaryRequest(queryOf(req))),
    },
    {
      method: "GET",
      path: "/staff/devices/export",
      guard: "staff",
      token: "fleet:read",
      summary: "The filtered fleet as CSV",
      query: fleetPageSchema.omit({ cursor: true, limit: true }),
      answers: { 200: { description: "One line per device, in the list's order.", type: "text/csv" } },
      errors: ["invalid_request"],
      handle: async ({ req }) => csvResponse(await fleetCsv(queryOf(req)), `fleet-${today()}.csv`),
    },
    {
      method: "GET",
      path: "/staff/devices/bulk",
      guard: "staff",
      summary: "How many devices a bulk action on this filter would reach",
      query: fleetFilterSchema,
      answers: { 200: { description: "What the confirmation states.", schema: z.object({ count: z.number().int() }) } },
      errors: ["invalid_request"],
      handle: async ({ req }) => json(await bulkPreview(queryOf(req))),
    },
    {
      method: "POST",
      path: "/staff/devices/bulk",
      guard: "staff",
      summary: "Act on every device of a filter (command or revoke)",
      description:
        "Refused when the selection no longer has `expectedCount` devices; one audit event lists every device.",
      body: {
        schema: bulkActionSchema,
        example: {
          filter: { model: "coreink-heat" },
          action: { kind: "command", command: { type: "identify" } },
          expectedCount: 12,
        },
      },
      answers: { 200: { description: "The devices acted on.", schema: jsonObject } },
      errors: [...BODY_ERRORS, "conflict"],
      refusals: "device.bulk_refused",
      handle: async ({ req, actor }) => json(await bulkActionRequest(actor, await readJson(req, SMALL_BODY_BYTES))),
    },
    {
      method: "GET",
      path: "/staff/devices/{deviceId}",
      guard: "staff",
      token: "fleet:read",
      summary: "One device: values, commands, credentials, owner, audit trail",
      params: device,
      answers: { 200: { description: "The device's staff page data.", schema: jsonObject } },
      errors: ["device_not_found"],
      handle: async ({ params }) => json(await staffDevice(params.deviceId)),
    },
    {
      method: "GET",
      path: "/staff/devices/{deviceId}/series",
      guard: "staff",
      token: "fleet:read",
      summary: "A device's readings over 24 h, 7 d or 30 d",
      params: device,
      query: seriesQuerySchema,
      answers: { 200: { description: "`range` and the series by property.", schema: jsonObject } },
      errors: ["invalid_request", "device_not_found"],
      handle: async ({ req, params }) => json(await staffDeviceSeries(params.deviceId, queryOf(req))),
    },
    {
      method: "POST",
      path: "/staff/devices/{deviceId}/commands",
      guard: "staff",
      summary: "Queue a command for a device",
      params: device,
      body: {
        schema: commandInputSchema,
        example: { type: "set_config", params: { measurementIntervalSeconds: 600 } },
      },
      answers: { 201: { description: "The queued command.", schema: commandAnswer } },
      errors: [...BODY_ERRORS, "device_not_found"],
      handle: async ({ req, actor, params }) =>
        json(await queueCommandRequest(actor, params.deviceId, await readJson(req, SMALL_BODY_BYTES)), 201),
    },
    {
      method: "POST",
      path: "/staff/devices/{deviceId}/revoke",
      guard: "staff",
      summary: "Revoke a device's credentials",
      params: device,
      answers: { 200: { description: "The credentials revoked.", schema: jsonObject } },
      errors: ["device_not_found"],
      handle: async ({ actor, params }) => json(await revokeDeviceRequest(actor, params.deviceId)),
    },
    {
      method: "POST",
      path: "/staff/devices/{deviceId}/transfer",
      guard: "staff",
      summary: "Transfer a device to another account, with a reason",
      params: device,
      body: { schema: transferInputSchema, example: { email: "new-owner@example.org", reason: "moved house" } },
      answers: { 200: { description: "The transfer.", schema: jsonObject } },
      errors: [...BODY_ERRORS, "device_not_found", "not_found", "conflict", "quota_exceeded"],
      refusals: "device.transfer_refused",
      handle: async ({ req, actor, params }) =>
        json(await transferDeviceRequest(actor, params.deviceId, await readJson(req, SMALL_BODY_BYTES))),
    },
  ],
};

import { json, readJson } from "../http/request";
import { pushLegacyData } from "../legacy/api";
import { legacyBodySchema, MAX_LEGACY_BODY_BYTES } from "../legacy/schemas";
import { jsonObject } from "./answers";
import type { Area } from "./define";

// Unsigned data from a legacy node (docs/legacy-ingest.md), stored unverified.

export const legacy: Area = {
  tag: "legacy",
  description:
    "Nodes that send unsigned data by hardware id, in Sensor.Community's format (docs/legacy-ingest.md). Readings are stored unverified.",
  routes: [
    {
      method: "POST",
      path: "/legacy/push-sensor-data",
      guard: "public",
      summary: "Unsigned readings of a legacy node",
      description:
        "The hardware id comes from the `X-Sensor` header (or `esp8266id`). Limited per node and per address; refusals are audited at most 20 per address and code in 10 minutes, whatever hardware ids a flood makes up.",
      body: {
        schema: legacyBodySchema,
        example: { software_version: "NRZ-2020-133", sensordatavalues: [{ value_type: "temperature", value: "20.5" }] },
      },
      answers: { 200: { description: "How many values were stored.", schema: jsonObject } },
      errors: [
        "invalid_request",
        "unsupported_media_type",
        "payload_too_large",
        "legacy_not_accepted",
        "legacy_node_upgraded",
        "rate_limited",
      ],
      refusals: "legacy.refused",
      handle: async ({ req, ip, auditContext }) =>
        json(await pushLegacyData(req, await readJson(req, MAX_LEGACY_BODY_BYTES), ip, auditContext)),
    },
  ],
};

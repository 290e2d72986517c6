import { json, readJson } from "../http/request";
import { pushLegacyData } from "../legacy/node-api";
import { legacyBodySchema, MAX_LEGACY_BODY_BYTES } from "../legacy/schemas";
import { jsonObject } from "./answers";
import type { Area } from "./define";

// Data from a legacy node (docs/legacy-ingest.md): at level `secret` when it presents its
// credential as HTTP basic authentication, else `none`.

export const legacy: Area = {
  tag: "legacy",
  description:
    "Nodes that send data by hardware id in Sensor.Community's format (docs/legacy-ingest.md): with " +
    "their issued user and password (HTTP basic) the readings are stored at level `secret`, without " +
    "(only for a node that has none) at level `none`.",
  routes: [
    {
      method: "POST",
      path: "/legacy/push-sensor-data",
      guard: "public",
      challenge: 'Basic realm="claimlink", charset="UTF-8"',
      summary: "Readings of a legacy node",
      description:
        "The hardware id comes from the `X-Sensor` header (or `esp8266id`). A node that was issued a credential " +
        "must send it as HTTP basic authentication (user: the node id, password: its secret), else 401 with " +
        "`WWW-Authenticate: Basic`; a valid credential with another hardware id is the node's new board. " +
        "Every success is 200 and every refusal carries a `code` (the firmware counts only 200 to 208 as " +
        "success and never resends). Limited per node and per address, wrong passwords per node and per " +
        "address; refusals are audited at most 20 per address and code in 10 minutes, whatever hardware " +
        "ids a flood makes up.",
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
        "legacy_credential_required",
        "legacy_credential_invalid",
        "legacy_credential_revoked",
        "legacy_board_replaced",
        "conflict",
        "rate_limited",
      ],
      refusals: "legacy.refused",
      handle: async ({ req, ip, auditContext }) => {
        const body = await readJson(req, MAX_LEGACY_BODY_BYTES);
        const sensorHeader = req.headers.get("x-sensor");
        const authorization = req.headers.get("authorization");
        return json(await pushLegacyData({ sensorHeader, authorization, body, ip }, auditContext));
      },
    },
  ],
};

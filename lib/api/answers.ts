import { z } from "zod";

// The shapes of the API's answers, for the OpenAPI document: what a client may rely on. The
// use cases build these objects (lib/<area>); e2e/openapi.spec.ts checks real answers of the
// device and claim routes against them.

const time = z.string().describe("RFC 3339, UTC");
const id = (prefix: string) => z.string().regex(new RegExp(`^${prefix}_[A-Z2-7]{16}$`));

/** A JSON object whose members are described in the operation's text (staff console data). */
export const jsonObject = z.looseObject({});

export const startedSessionAnswer = z.object({
  sid: z.string().describe("26 base32 characters"),
  sessionToken: z.string().describe("the bearer token of the session's other calls; 43 characters"),
  claimUrl: z.string().describe("the server's public origin + /claim: refuse any other (section 1)"),
  serverTime: z.number().int().describe("unix seconds"),
  step: z.number().int().describe("the QR's rotation period in seconds"),
  expiresAt: time,
});

export const deviceViewAnswer = z.union([
  z.object({ state: z.literal("waiting"), expiresAt: time }),
  z.object({
    state: z.literal("challenge"),
    claimId: id("clm"),
    nonce: z.string(),
    serverProof: z.string(),
    account: z.object({ displayName: z.string() }),
    expiresAt: time,
  }),
  z.object({
    state: z.literal("claimed"),
    deviceId: id("dev"),
    credentialId: id("crd"),
    name: z.string(),
    bindMac: z.string(),
  }),
  z.object({ state: z.enum(["expired", "locked"]) }),
]);

export const answerResultAnswer = z.union([
  z.object({
    state: z.literal("claimed"),
    deviceId: id("dev"),
    credentialId: id("crd"),
    name: z.string(),
    bindMac: z.string(),
  }),
  z.object({ state: z.enum(["waiting", "locked", "expired"]) }),
]);

export const claimAnswer = z.object({
  claimId: id("clm"),
  state: z.enum(["waiting_for_device", "claimed", "failed"]),
  expiresAt: time,
  deviceId: id("dev").optional(),
  deviceName: z.string().optional(),
  model: z.string(),
  firmware: z.string(),
  reason: z.enum(["pop_mismatch", "user_declined", "timeout"]).optional(),
});

export const claimPreviewAnswer = z.object({ model: z.string(), firmware: z.string() });

export const deviceProfileAnswer = z.object({
  deviceId: id("dev"),
  name: z.string(),
  config: z.object({ measurementIntervalSeconds: z.number().int() }),
  commands: z.array(
    z.object({
      id: id("cmd"),
      type: z.enum(["identify", "reprovision", "reboot", "set_config", "update_firmware"]),
      params: z
        .looseObject({})
        .describe("update_firmware (1.2): model, version, size, sha256, kid, sig, url (section 7)"),
      issuedAt: time,
      expiresAt: time,
    }),
  ),
});

export const measurementsAnswer = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.array(
    z.object({
      index: z.number().int(),
      code: z.enum([
        "invalid_item",
        "unknown_field",
        "invalid_property",
        "invalid_unit",
        "invalid_time",
        "invalid_value",
      ]),
    }),
  ),
});

export const commandAckAnswer = z.object({ id: id("cmd"), status: z.enum(["done", "failed", "in_progress"]) });

/** A measurement batch as a device sends it; each item is judged on its own (docs/protocol.md section 4). */
export const measurementBatchDoc = z.strictObject({
  measurements: z
    .array(
      z.object({
        property: z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/),
        unit: z.string().min(1).max(16).optional().describe("UCUM"),
        time: z.union([z.string(), z.number()]).describe("RFC 3339 or unix seconds, not before 2000"),
        value: z.number().describe("finite, magnitude at most 1e15"),
      }),
    )
    .max(1000),
});

export const commandAnswer = z.object({
  id: id("cmd"),
  type: z.string(),
  params: z.looseObject({}),
  issuedAt: time,
  expiresAt: time,
  status: z.string().optional(),
});

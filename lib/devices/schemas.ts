import { z } from "zod";
import { optionalInstantSchema } from "../dates";
import { hasNoControlChars } from "../errors/validate";
import { idSchema } from "../ids";
import { MAX_MEASUREMENTS } from "./measurements";
import { NOTICE_KINDS } from "./notices";

// What owners, staff and devices may send about devices: strict (unknown keys refused) and bounded.

export const deviceNameSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1, "is required")
    .max(60, "must be at most 60 characters")
    .refine(hasNoControlChars, "must not contain control characters"),
});
export type DeviceName = z.infer<typeof deviceNameSchema>;

export const commandInputSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("identify"), params: z.strictObject({}).default({}) }),
  z.strictObject({ type: z.literal("reprovision"), params: z.strictObject({}).default({}) }),
  z.strictObject({ type: z.literal("reboot"), params: z.strictObject({}).default({}) }),
  z.strictObject({
    type: z.literal("set_config"),
    params: z.strictObject({ measurementIntervalSeconds: z.number().int().min(10).max(86_400) }),
  }),
]);
export type CommandInput = z.infer<typeof commandInputSchema>;
export type CommandType = CommandInput["type"];

/**
 * A device's report on a command (docs/protocol.md section 4). (1.2, section 7) `in_progress`
 * any number of times while it works; `firmware`, the version it runs now, in any report.
 */
export const commandAckSchema = z.strictObject({
  status: z.enum(["done", "failed", "in_progress"]),
  detail: z.string().max(500).optional(),
  firmware: z
    .string()
    .regex(/^[\x20-\x7e]{1,64}$/, "must be 1 to 64 printable ASCII characters")
    .optional(),
});
export type CommandAck = z.infer<typeof commandAckSchema>;

/** The envelope of a measurement batch; each item is checked on its own (`checkItem`). */
export const measurementBatchSchema = z.strictObject({
  measurements: z.array(z.unknown()).max(MAX_MEASUREMENTS, `holds at most ${MAX_MEASUREMENTS} items`),
});

export const RANGES = { "24h": 86_400, "7d": 7 * 86_400, "30d": 30 * 86_400 } as const;
export type Range = keyof typeof RANGES;
export const seriesQuerySchema = z.object({
  range: z.enum(Object.keys(RANGES) as [Range, ...Range[]], `must be one of ${Object.keys(RANGES).join(", ")}`),
});

/** What an owner may send their device from its page; the interval is bounded again by the staff's limits. */
export const ownerCommandSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("identify") }),
  z.strictObject({
    type: z.literal("set_interval"),
    measurementIntervalSeconds: z.number().int().min(10).max(86_400),
  }),
]);
export type OwnerCommand = z.infer<typeof ownerCommandSchema>;

export const shareInputSchema = z.strictObject({
  email: z.string().trim().toLowerCase().max(254).email("is not an email address"),
});

/** A CSV export's range: `from` (inclusive) and `to` (exclusive), each RFC 3339 or a date (UTC midnight). */
const exportBound = optionalInstantSchema;
export const exportQuerySchema = z
  .strictObject({ from: exportBound, to: exportBound })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: "from must be before to", path: ["to"] });

// The staff's fleet query (lib/devices/fleet-query.ts): filters, sort, cursor and page size.

/** Optional text from a query string or a form: trimmed, bounded, empty meaning "not given". */
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .refine(hasNoControlChars, "must not contain control characters")
    .transform((s) => s || undefined)
    .optional();

export const FLEET_STATUSES = ["online", "offline", "revoked", "lost", "released", "legacy"] as const;
export type FleetStatus = (typeof FLEET_STATUSES)[number];

export const fleetFilterShape = {
  q: text(100),
  status: z
    .union([z.literal(""), z.enum(FLEET_STATUSES, `must be one of ${FLEET_STATUSES.join(", ")}`)])
    .transform((s) => s || undefined)
    .optional(),
  model: text(100),
  firmware: text(100),
  owner: text(254),
  // The study the devices were claimed for (docs/studies.md).
  study: z
    .union([z.literal(""), idSchema("stu")])
    .transform((s) => s || undefined)
    .optional(),
  seenBefore: optionalInstantSchema,
  seenAfter: optionalInstantSchema,
};
export const fleetFilterSchema = z.strictObject(fleetFilterShape);
export type FleetFilter = z.infer<typeof fleetFilterSchema>;

export const FLEET_SORTS = ["lastSeen", "created", "name", "model", "firmware", "owner"] as const;
export type FleetSort = (typeof FLEET_SORTS)[number];

export const MAX_FLEET_PAGE = 200;

export const fleetPageSchema = z.strictObject({
  ...fleetFilterShape,
  sort: z
    .union([z.literal(""), z.enum(FLEET_SORTS, `must be one of ${FLEET_SORTS.join(", ")}`)])
    .transform((s) => s || undefined)
    .optional(),
  dir: z
    .union([z.literal(""), z.enum(["asc", "desc"], "must be asc or desc")])
    .transform((s) => s || undefined)
    .optional(),
  cursor: z
    .string()
    .max(600)
    .regex(/^[A-Za-z0-9_-]*$/, "is not a cursor")
    .transform((s) => s || undefined)
    .optional(),
  limit: z.coerce.number().int().min(1).max(MAX_FLEET_PAGE).optional(),
});
export type FleetPageQuery = z.infer<typeof fleetPageSchema>;

export const summaryQuerySchema = z.strictObject({
  ...fleetFilterShape,
  silentHours: z.coerce.number().int().min(1).max(8760).optional(),
});

/** PUT /api/v1/me/notices: the kinds of notice switched off. */
export const noticePreferencesSchema = z.strictObject({
  off: z.array(z.enum(NOTICE_KINDS)).max(NOTICE_KINDS.length),
});

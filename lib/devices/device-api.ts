import { AppError } from "../errors/app-error";
import { parseJsonText, parseOrThrow } from "../errors/validate";
import type { DeviceReply, SignedDeviceRequest } from "../http/device-route";
import { idOrNotFound } from "../ids";
import { acknowledgeCommand, deviceProfile } from "./commands";
import { flagUnlistedProperties } from "../models/registry";
import { limitIngest, MAX_MEASUREMENTS, storeMeasurements } from "./measurements";
import { commandAckSchema, measurementBatchSchema } from "./schemas";
import { requireReadingsAccepted } from "../studies/reading-gate";

// The handlers of the signed device API (docs/protocol.md section 4), called by `deviceRoute`
// once the request's signature, time and nonce checked.

/** GET /api/v1/devices/me: identity, configuration and pending commands. */
export async function getDeviceProfile({ database, device }: SignedDeviceRequest): Promise<DeviceReply> {
  return { status: 200, body: await deviceProfile(database.db, device.device) };
}

/** POST /api/v1/devices/me/measurements: a batch, stored idempotently, each item judged on its own. */
export async function postMeasurements({ database, device, bodyText, cfg }: SignedDeviceRequest): Promise<DeviceReply> {
  await limitIngest(database.db, device.device.id, cfg.measurementBatchesPerMinute);
  await requireReadingsAccepted(database.db, device.device);
  const batch = measurementBatchSchema.safeParse(parseJsonText(bodyText));
  if (!batch.success) {
    throw new AppError(
      "invalid_request",
      `The body must be {"measurements": [...]} with at most ${MAX_MEASUREMENTS} items.`,
    );
  }
  const result = await storeMeasurements(database.db, device.device.id, batch.data.measurements);
  await flagUnlistedProperties(
    database.db,
    device.device.model,
    device.device.id,
    propertiesOf(batch.data.measurements),
  );
  return { status: 200, body: result };
}

/** The property names a batch carries (valid or not: a flag is only a hint for staff). */
function propertiesOf(items: unknown[]): string[] {
  return items.flatMap((i) => {
    const p = (i as { property?: unknown } | null)?.property;
    return typeof p === "string" && /^[a-z][a-z0-9_.-]{0,63}$/.test(p) ? [p] : [];
  });
}

/** POST /api/v1/devices/me/commands/{id}: the device reports a command's outcome. */
export async function postCommandAck({
  database,
  device,
  params,
  bodyText,
}: SignedDeviceRequest): Promise<DeviceReply> {
  const commandId = idOrNotFound("cmd", params.commandId);
  const ack = parseOrThrow(commandAckSchema, parseJsonText(bodyText));
  return { status: 200, body: await acknowledgeCommand(database.db, device.device, commandId, ack) };
}

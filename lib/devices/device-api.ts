import { sql } from "drizzle-orm";
import { AppError } from "../errors/app-error";
import { parseJsonText, parseOrThrow } from "../errors/validate";
import type { DeviceReply, FusedRoute, SignedDeviceRequest } from "../http/device-route";
import { idOrNotFound } from "../ids";
import { acknowledgeCommand, deviceProfile, pendingCommandsColumn, profileFrom } from "./commands";
import { flagUnlistedProperties, recordUnlistedProperties } from "../models/registry";
import { fusedReport, limitAndStore, limitIngest, MAX_MEASUREMENTS, storeMeasurements } from "./measurements";
import { commandAckSchema, measurementBatchSchema } from "./schemas";
import { requireReadingsAccepted } from "../studies/reading-gate";

// The handlers of the signed device API (docs/protocol.md section 4), called by `deviceRoute`
// once the request's signature, time and nonce checked.

/** GET /api/v1/devices/me: identity, configuration and pending commands. */
export async function getDeviceProfile({ database, device }: SignedDeviceRequest): Promise<DeviceReply> {
  return { status: 200, body: await deviceProfile(database.db, device.device) };
}

/** GET /api/v1/devices/me in the statement that takes the nonce: an idle poll is one round trip. */
export const fusedProfile: FusedRoute = ({ deviceId }) => ({
  key: "profile",
  build: () => ({ with: [], columns: { commands: pendingCommandsColumn(sql.placeholder("p_device")) } }),
  values: { p_device: deviceId },
  // An idle poll is a fleet's other everyday request: it may share a statement (lib/devices/report-batch.ts).
  batch: { deviceId, perMinute: null, rows: [] },
  async answer(columns, { device }) {
    return { status: 200, body: profileFrom(device.device, columns.commands) };
  },
});

/** POST /api/v1/devices/me/measurements: a batch, stored idempotently, each item judged on its own. */
export async function postMeasurements({ database, device, bodyText, cfg }: SignedDeviceRequest): Promise<DeviceReply> {
  // A device outside any study (the everyday report): count, store and read the model's listed
  // properties in one statement. The answers are those of the steps below, in their order.
  if (!device.device.studyId) {
    const batch = readBatch(bodyText);
    if (!batch) {
      // Counted first, as below: a device past its limit is told to wait, whatever it sent.
      await limitIngest(database.db, device.device.id, cfg.measurementBatchesPerMinute);
      parseJsonText(bodyText); // not JSON: that refusal, as before
      throw invalidBatch();
    }
    const { result, listed } = await limitAndStore(
      database.db,
      device.device,
      cfg.measurementBatchesPerMinute,
      batch.measurements,
    );
    await recordUnlistedProperties(
      database.db,
      device.device.model,
      device.device.id,
      listed,
      propertiesOf(batch.measurements),
    );
    return { status: 200, body: result };
  }
  await limitIngest(database.db, device.device.id, cfg.measurementBatchesPerMinute);
  await requireReadingsAccepted(database.db, device.device);
  const batch = measurementBatchSchema.safeParse(parseJsonText(bodyText));
  if (!batch.success) throw invalidBatch();
  const result = await storeMeasurements(database.db, device.device.id, batch.data.measurements);
  await flagUnlistedProperties(
    database.db,
    device.device.model,
    device.device.id,
    propertiesOf(batch.data.measurements),
  );
  return { status: 200, body: result };
}

/** The batch, or null when the body is not JSON or not a batch. */
function readBatch(bodyText: string) {
  try {
    const batch = measurementBatchSchema.safeParse(parseJsonText(bodyText));
    return batch.success ? batch.data : null;
  } catch {
    return null;
  }
}

function invalidBatch() {
  return new AppError(
    "invalid_request",
    `The body must be {"measurements": [...]} with at most ${MAX_MEASUREMENTS} items.`,
  );
}

/**
 * POST /api/v1/devices/me/measurements in the statement that takes the nonce (a device this
 * process has seen, a batch with a valid reading): answers as `postMeasurements` would, or
 * null, having done nothing, for `postMeasurements` to answer.
 */
export const fusedMeasurements: FusedRoute = ({ deviceId, bodyText, cfg }) => {
  const batch = readBatch(bodyText);
  if (!batch) return null;
  const measurements = batch.measurements;
  const report = fusedReport(deviceId, cfg.measurementBatchesPerMinute, measurements);
  if (!report) return null;
  return {
    key: report.key,
    build: report.build,
    values: report.values,
    batch: report.batch,
    async answer(columns, { database, device }) {
      const done = report.answer(columns);
      if (!done) return null;
      const { model, id } = device.device;
      await recordUnlistedProperties(database.db, model, id, done.listed, propertiesOf(measurements));
      return { status: 200, body: done.result };
    },
  };
};

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

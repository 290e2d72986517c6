import type { SessionUser } from "../auth/config";
import type { Actor } from "../audit/record";
import { appDatabase } from "../db/client";
import { parseOrThrow } from "../errors/validate";
import { idOrNotFound } from "../ids";
import { exportAllMeasurements, exportDeviceMeasurements } from "./export";
import { exportQuerySchema } from "./schemas";

// The CSV exports as the routes call them: the range parsed, then a stream the route returns as is.

export async function exportMyDeviceCsv(
  user: SessionUser,
  deviceId: string | undefined,
  query: Record<string, string>,
) {
  const id = idOrNotFound("dev", deviceId);
  const range = parseOrThrow(exportQuerySchema, query);
  const { db } = await appDatabase();
  return exportDeviceMeasurements(db, user.id, id, range);
}

export async function exportAllCsv(actor: Actor, query: Record<string, string>) {
  const range = parseOrThrow(exportQuerySchema, query);
  const { db } = await appDatabase();
  return exportAllMeasurements(db, actor, range);
}

import type { SessionUser } from "../auth/session-user";
import type { Actor } from "../audit/record";
import { appDatabase } from "../db/client";
import { parseOrThrow } from "../errors/validate";
import { csvResponse } from "../http/csv";
import { idOrNotFound } from "../ids";
import { exportAllMeasurements, exportDeviceMeasurements } from "./export";
import { exportQuerySchema } from "./schemas";

// The CSV exports as the routes call them: the range parsed, then the streamed download.

export async function exportMyDeviceCsv(
  user: SessionUser,
  deviceId: string | undefined,
  query: Record<string, string>,
) {
  const id = idOrNotFound("dev", deviceId);
  const range = parseOrThrow(exportQuerySchema, query);
  const { db } = await appDatabase();
  const { chunks, filename } = await exportDeviceMeasurements(db, user.id, id, range);
  return csvResponse(chunks, filename);
}

export async function exportAllCsv(actor: Actor, query: Record<string, string>) {
  const range = parseOrThrow(exportQuerySchema, query);
  const { db } = await appDatabase();
  const { chunks, filename } = await exportAllMeasurements(db, actor, range);
  return csvResponse(chunks, filename);
}

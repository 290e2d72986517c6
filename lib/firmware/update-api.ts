import type { Actor } from "../audit/record";
import { appDatabase } from "../db/client";
import { parseOrThrow } from "../errors/validate";
import { findDevice } from "../devices/lifecycle";
import { idOrNotFound, notFound } from "../ids";
import { acknowledgeFirmwareAlarm, openFirmwareAlarms } from "./alarms";
import { firmwareHistory } from "./history";
import { sendUpdateSchema } from "./update-schemas";
import { sendFirmwareUpdate } from "./send-update";

// Firmware update use cases as the routes and pages call them (docs/protocol.md section 7).

export async function sendFirmwareUpdateRequest(actor: Actor, deviceId: string | undefined, body: unknown) {
  const id = idOrNotFound("dev", deviceId);
  const input = parseOrThrow(sendUpdateSchema, body);
  const { db } = await appDatabase();
  return sendFirmwareUpdate(db, actor, id, input);
}

export async function deviceFirmwareHistory(deviceId: string | undefined) {
  const id = idOrNotFound("dev", deviceId);
  const { db } = await appDatabase();
  if (!(await findDevice(db, id))) throw notFound("dev");
  return firmwareHistory(db, id);
}

export async function firmwareAlarms() {
  const { db } = await appDatabase();
  return openFirmwareAlarms(db);
}

export async function acknowledgeFirmwareAlarmRequest(actor: Actor, commandId: string | undefined) {
  const id = idOrNotFound("cmd", commandId);
  const { db } = await appDatabase();
  return acknowledgeFirmwareAlarm(db, actor, id);
}

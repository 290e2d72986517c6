import type { Actor } from "../audit/record";
import { appDatabase } from "../db/client";
import { AppError } from "../errors/app-error";
import { parseOrThrow } from "../errors/validate";
import {
  deleteModel,
  getDeviceSettings,
  listModels,
  listUnlistedProperties,
  saveModel,
  setModelPolicy,
} from "./registry";
import { MODEL_PATTERN, modelInputSchema, modelPolicySchema } from "./schemas";

// The staff's device-model use cases as the routes and pages call them.

export async function modelsForStaff() {
  const { db } = await appDatabase();
  const [models, settings, unlisted] = await Promise.all([
    listModels(db),
    getDeviceSettings(db),
    listUnlistedProperties(db),
  ]);
  return { policy: settings.modelPolicy, models, unlisted };
}

export async function saveModelRequest(actor: Actor, body: unknown) {
  const input = parseOrThrow(modelInputSchema, body);
  const { db } = await appDatabase();
  return { model: await saveModel(db, actor, input) };
}

export async function deleteModelRequest(actor: Actor, model: string | undefined) {
  if (!model || !MODEL_PATTERN.test(model)) throw new AppError("not_found", "No such model.");
  const { db } = await appDatabase();
  await deleteModel(db, actor, model);
  return { deleted: model };
}

export async function setModelPolicyRequest(actor: Actor, body: unknown) {
  const { policy } = parseOrThrow(modelPolicySchema, body);
  const { db } = await appDatabase();
  await setModelPolicy(db, actor, policy);
  return { policy };
}

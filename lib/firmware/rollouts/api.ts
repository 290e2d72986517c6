import type { Actor } from "../../audit/record";
import { appDatabase } from "../../db/client";
import { parseOrThrow } from "../../errors/validate";
import { idOrNotFound } from "../../ids";
import { abortRollout, pauseRollout, resumeRollout } from "./control";
import { createRollout } from "./create";
import { createRolloutSchema } from "./schemas";
import { firmwareAdoption, getRollout, listRollouts, rolloutImages } from "./views";

// The staff's rollout use cases as the routes and pages call them: parse, then one use case.

export async function listRolloutsRequest() {
  const { db } = await appDatabase();
  return { rollouts: await listRollouts(db) };
}

export async function rolloutRequest(id: string | undefined) {
  const { db } = await appDatabase();
  return getRollout(db, idOrNotFound("rol", id));
}

export async function createRolloutRequest(actor: Actor, body: unknown) {
  const input = parseOrThrow(createRolloutSchema, body);
  const { db } = await appDatabase();
  const { rollout, devices, excluded } = await createRollout(db, actor, input);
  return { id: rollout.id, status: rollout.status, devices, excluded };
}

export async function steerRolloutRequest(actor: Actor, id: string | undefined, action: "pause" | "resume" | "abort") {
  const { db } = await appDatabase();
  const rolloutId = idOrNotFound("rol", id);
  if (action === "abort") {
    const { cancelledCommands } = await abortRollout(db, actor, rolloutId);
    return { id: rolloutId, status: "aborted" as const, cancelledCommands };
  }
  const r = await (action === "pause" ? pauseRollout : resumeRollout)(db, actor, rolloutId);
  return { id: r.id, status: r.status };
}

export async function adoptionRequest() {
  const { db } = await appDatabase();
  return firmwareAdoption(db);
}

export async function rolloutImagesRequest() {
  const { db } = await appDatabase();
  return rolloutImages(db);
}

import { createHash, randomBytes } from "node:crypto";
import type { APIRequestContext, APIResponse } from "@playwright/test";
import { signFirmware } from "../lib/firmware/sign";
import { TEST_FIRMWARE_PRIVATE_KEY } from "../lib/firmware/test-fixtures";

// Firmware images and rollouts for e2e tests, made as staff make them: the model registered,
// the image signed by the protocol's test firmware key (the e2e server's CLAIMLINK_FIRMWARE_KEYS)
// and uploaded through POST /api/v1/staff/firmware, the rollout started through its route.

/** A model id no earlier run used (a PostgreSQL database outlives a run). */
export const uniqueRolloutModel = (tag = "ro") => `e2e-${tag}-${randomBytes(4).toString("hex")}`;

async function ok(r: Promise<APIResponse>, what: string) {
  const res = await r;
  if (res.status() >= 300) throw new Error(`${what}: ${res.status()} ${await res.text()}`);
  return res;
}

/** Registers `model` and uploads a signed image of it; returns its SHA-256. */
export async function uploadImage(staff: APIRequestContext, model: string, version = "1.5.0", size = 4096) {
  await ok(staff.post("/api/v1/staff/models", { data: { model, displayName: `E2E ${model}` } }), "register the model");
  const image = randomBytes(size);
  const sha256 = createHash("sha256").update(image).digest("hex");
  const sig = signFirmware(TEST_FIRMWARE_PRIVATE_KEY, { model, version, size, sha256 });
  await ok(
    staff.post("/api/v1/staff/firmware", {
      multipart: {
        model,
        version,
        sig,
        image: { name: "image.bin", mimeType: "application/octet-stream", buffer: image },
      },
    }),
    "upload the image",
  );
  return { sha256, image };
}

/** Starts a rollout of every active device of the image's model; returns its id. */
export async function startRollout(staff: APIRequestContext, sha256: string, stages: number[] = [100]) {
  const r = await ok(
    staff.post("/api/v1/staff/firmware/rollouts", {
      data: { sha256, target: { kind: "model" }, stages: stages.map((percent) => ({ percent, soakMinutes: 0 })) },
    }),
    "start the rollout",
  );
  return ((await r.json()) as { id: string }).id;
}

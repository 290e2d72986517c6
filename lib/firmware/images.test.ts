import { createHash } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Database } from "../db/client";
import { auditEvents, firmwareChunks, firmwareImages } from "../db/schema";
import { AppError } from "../errors/app-error";
import { deleteModel } from "../models/registry";
import { insertAccount, type TestAccount } from "../provisioning/test-fixtures";
import { FIRMWARE_CHUNK_BYTES } from "./config";
import { findFirmwareImage, findFirmwareVersion, firmwareImageUrl, isUsable, listFirmwareImages, requireUsableImage } from "./images";
import { generateFirmwareKey, signFirmware } from "./sign";
import {
  ensureTestModel,
  signTestImage,
  TEST_FIRMWARE_KID,
  testFirmwareConfig,
  uniqueTestModel,
  uploadTestFirmware,
} from "./test-fixtures";
import { uploadFirmwareImage } from "./upload-image";
import { yankFirmwareImage } from "./yank-image";
import { withTestDatabase } from "../test-helpers";

let database: Database;
let staff: TestAccount;
withTestDatabase(async (d) => {
  database = d;
  staff = await insertAccount(database.db, "fwstaff", "staff");
});

const hex = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

async function chunksOf(sha256: string) {
  return database.db.select().from(firmwareChunks).where(eq(firmwareChunks.sha256, sha256)).orderBy(asc(firmwareChunks.seq));
}

async function imagesOf(model: string) {
  return database.db.select().from(firmwareImages).where(eq(firmwareImages.model, model));
}

async function refusalsOf(model: string) {
  const rows = await database.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.actorId, staff.id), eq(auditEvents.action, "firmware.upload_refused")))
    .orderBy(asc(auditEvents.id));
  return rows.filter((r) => (r.detail as { model?: string }).model === model).map((r) => (r.detail as { code: string }).code);
}

describe("uploading a firmware image", () => {
  it("stores a signed image in chunks that add up to its bytes, with its key id, audited", async () => {
    const size = 2 * FIRMWARE_CHUNK_BYTES + 1000;
    const { image, bytes, sig } = await uploadTestFirmware(database.db, staff, { version: "1.5.0", size, notes: "Fixes the heater." });
    expect(image).toMatchObject({ sha256: hex(bytes), version: "1.5.0", size, kid: TEST_FIRMWARE_KID, sig, yankedAt: null });
    expect(image.notes).toBe("Fixes the heater.");
    const chunks = await chunksOf(image.sha256);
    expect(chunks.map((c) => [c.seq, c.data.length])).toEqual([
      [0, FIRMWARE_CHUNK_BYTES],
      [1, FIRMWARE_CHUNK_BYTES],
      [2, 1000],
    ]);
    expect(Buffer.concat(chunks.map((c) => c.data)).equals(Buffer.from(bytes))).toBe(true);
    expect(await findFirmwareImage(database.db, image.sha256)).toEqual(image);
    expect(await findFirmwareVersion(database.db, image.model, "1.5.0")).toEqual(image);
    const [row] = await imagesOf(image.model);
    expect(row.uploadedBy).toBe(staff.id);
    const [event] = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "firmware.uploaded"), eq(auditEvents.actorId, staff.id)))
      .orderBy(asc(auditEvents.id))
      .limit(1);
    expect(event.outcome).toBe("success");
  });

  it("accepts an image signed by any configured key, and a pre-release version", async () => {
    const other = generateFirmwareKey();
    const cfg = testFirmwareConfig({ keys: [...testFirmwareConfig().keys, { kid: other.kid, alg: "ES256", publicKey: other.publicKey }] });
    const { image } = await uploadTestFirmware(database.db, staff, { version: "2.0.0-rc.1", privateKey: other.privateKey }, cfg);
    expect(image.kid).toBe(other.kid);
  });

  type Case = [string, string, (m: string) => Parameters<typeof uploadFirmwareImage>[2], Partial<ReturnType<typeof testFirmwareConfig>>?];
  const img = new Uint8Array(Buffer.from("firmware image bytes"));
  const signed = (model: string, version: string, image = img) => ({ model, version, image, sig: signTestImage({ model, version, image }) });
  const cases: Case[] = [
    ["no firmware keys are configured", "firmware_keys_not_configured", (m) => signed(m, "1.0.0"), { keys: [] }],
    ["an unknown model", "firmware_model_unknown", () => signed("never-registered-model", "1.0.0")],
    ["a version with a leading zero", "firmware_version_invalid", (m) => signed(m, "1.02.0")],
    ["a version of two parts", "firmware_version_invalid", (m) => signed(m, "1.2")],
    ["a version part above 65535", "firmware_version_invalid", (m) => signed(m, "1.65536.0")],
    ["an unorderable pre-release", "firmware_version_invalid", (m) => signed(m, "1.0.0-01")],
    ["an image over the cap", "firmware_too_large", (m) => signed(m, "1.0.0", new Uint8Array(1025)), { maxBytes: 1024 }],
    ["an empty image", "invalid_request", (m) => signed(m, "1.0.0", new Uint8Array(0))],
    ["a signature over another version", "firmware_signature_invalid", (m) => ({ ...signed(m, "1.0.1"), version: "1.0.0" })],
    ["a signature over other bytes", "firmware_signature_invalid", (m) => ({ ...signed(m, "1.0.0"), image: new Uint8Array(img.length) })],
    ["a signature over another model", "firmware_signature_invalid", (m) => ({ ...signed("coreink-cold", "1.0.0"), model: m })],
    [
      "a signature by an unknown key",
      "firmware_signature_invalid",
      (m) => ({ ...signed(m, "1.0.0"), sig: signFirmware(generateFirmwareKey().privateKey, { model: m, version: "1.0.0", size: img.length, sha256: hex(img) }) }),
    ],
    ["a signature that is not base64url", "firmware_signature_invalid", (m) => ({ ...signed(m, "1.0.0"), sig: "not a signature" })],
    ["a model id with capitals", "invalid_request", (m) => ({ ...signed(m, "1.0.0"), model: "CoreInk" })],
    ["release notes with control characters", "invalid_request", (m) => ({ ...signed(m, "1.0.0"), notes: "a\u0000b" })],
  ];
  it.each(cases)("refuses %s (%s), storing nothing and auditing the refusal", async (_what, code, input, cfg) => {
    const model = uniqueTestModel();
    await ensureTestModel(database.db, model);
    const err = await uploadFirmwareImage(database.db, staff, input(model), testFirmwareConfig(cfg)).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe(code);
    expect((err as AppError).status).toBeGreaterThanOrEqual(400);
    expect((err as AppError).status).toBeLessThan(500);
    expect(await imagesOf(model)).toEqual([]);
    expect(await refusalsOf(input(model).model)).toContain(code);
  });

  it("refuses a version already uploaded for the model, even with other bytes, and keeps the first", async () => {
    const { image } = await uploadTestFirmware(database.db, staff, { version: "1.0.0" });
    const err = await uploadTestFirmware(database.db, staff, { model: image.model, version: "1.0.0" }).catch((e) => e);
    expect((err as AppError).code).toBe("firmware_version_exists");
    expect((await imagesOf(image.model)).map((r) => r.sha256)).toEqual([image.sha256]);
    expect(await refusalsOf(image.model)).toEqual(["firmware_version_exists"]);
  });

  it("refuses the same bytes again under another version", async () => {
    const { image, bytes } = await uploadTestFirmware(database.db, staff, { version: "1.0.0" });
    const err = await uploadTestFirmware(database.db, staff, { model: image.model, version: "1.0.1", image: bytes }).catch((e) => e);
    expect((err as AppError).code).toBe("firmware_image_exists");
    expect(await chunksOf(image.sha256)).toHaveLength(1);
  });

  it("lets the same version exist for two models", async () => {
    const a = await uploadTestFirmware(database.db, staff, { version: "3.1.4" });
    const b = await uploadTestFirmware(database.db, staff, { version: "3.1.4" });
    expect(a.image.model).not.toBe(b.image.model);
  });

  it("stores two racing uploads of one version once", async () => {
    const model = uniqueTestModel();
    await ensureTestModel(database.db, model);
    const results = await Promise.allSettled(
      [1, 2].map(() => uploadTestFirmware(database.db, staff, { model, version: "4.0.0" })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect((refused.reason as AppError).code).toBe("firmware_version_exists");
    expect(await imagesOf(model)).toHaveLength(1);
  });
});

describe("reading firmware images", () => {
  it("finds nothing for an unknown or malformed hash", async () => {
    expect(await findFirmwareImage(database.db, "0".repeat(64))).toBeNull();
    expect(await findFirmwareImage(database.db, "not-a-hash")).toBeNull();
    await expect(requireUsableImage(database.db, "0".repeat(64))).rejects.toMatchObject({ code: "firmware_not_found" });
  });

  it("lists a model's images newest first, and a usable one passes the check", async () => {
    const model = uniqueTestModel();
    const first = await uploadTestFirmware(database.db, staff, { model, version: "1.0.0" });
    const second = await uploadTestFirmware(database.db, staff, { model, version: "1.1.0" });
    expect((await listFirmwareImages(database.db, model)).map((i) => i.version)).toEqual(["1.1.0", "1.0.0"]);
    expect(isUsable(first.image)).toBe(true);
    expect((await requireUsableImage(database.db, second.image.sha256)).version).toBe("1.1.0");
  });

  it("names the app's own download URL, or the mirror's", () => {
    const sha = "ab".repeat(32);
    expect(firmwareImageUrl(sha, { publicUrl: "https://app.example.org" })).toBe(`https://app.example.org/api/v1/firmware/${sha}`);
    expect(firmwareImageUrl(sha, { publicUrl: "x", CLAIMLINK_FIRMWARE_BASE_URL: "https://cdn.example.org/fw/" })).toBe(
      `https://cdn.example.org/fw/${sha}`,
    );
    expect(firmwareImageUrl(sha, { publicUrl: "x", CLAIMLINK_FIRMWARE_BASE_URL: "https://cdn.example.org/fw" })).toBe(
      `https://cdn.example.org/fw/${sha}`,
    );
  });
});

describe("the model registry", () => {
  it("keeps a model that has firmware images", async () => {
    const { image } = await uploadTestFirmware(database.db, staff, { version: "1.0.0" });
    await expect(deleteModel(database.db, staff, image.model)).rejects.toMatchObject({ code: "conflict" });
    expect(await imagesOf(image.model)).toHaveLength(1);
  });
});

describe("yanking an image", () => {
  it("stops new updates from using it, once, audited; the refusals are audited too", async () => {
    const { image } = await uploadTestFirmware(database.db, staff, { version: "1.0.0" });
    const yanked = await yankFirmwareImage(database.db, staff, image.sha256);
    expect(yanked.yankedAt).toBeInstanceOf(Date);
    expect(isUsable(yanked)).toBe(false);
    await expect(requireUsableImage(database.db, image.sha256)).rejects.toMatchObject({ code: "firmware_yanked" });
    expect((await listFirmwareImages(database.db, image.model, { usableOnly: true })).length).toBe(0);
    expect((await findFirmwareImage(database.db, image.sha256))?.yankedAt).toEqual(yanked.yankedAt);
    const [row] = await imagesOf(image.model);
    expect(row.yankedBy).toBe(staff.id);
    await expect(yankFirmwareImage(database.db, staff, image.sha256)).rejects.toMatchObject({ code: "firmware_yanked" });
    await expect(yankFirmwareImage(database.db, staff, "f".repeat(64))).rejects.toMatchObject({ code: "firmware_not_found" });
    await expect(yankFirmwareImage(database.db, staff, "../etc")).rejects.toMatchObject({ code: "firmware_not_found" });
    const events = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.actorId, staff.id), eq(auditEvents.action, "firmware.yanked")));
    expect(events.filter((e) => (e.detail as { sha256: string }).sha256 === image.sha256)).toHaveLength(1);
    const refused = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.actorId, staff.id), eq(auditEvents.action, "firmware.yank_refused")));
    expect(refused.map((e) => (e.detail as { code: string }).code)).toEqual(
      expect.arrayContaining(["firmware_yanked", "firmware_not_found"]),
    );
  });
});

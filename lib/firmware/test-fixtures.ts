import { createHash, randomBytes } from "node:crypto";
import type { Actor } from "../audit/record";
import type { Db } from "../db/client";
import { deviceModels } from "../db/schema";
import type { FirmwareConfig } from "./config";
import type { FirmwareImage } from "./image";
import { parseFirmwareKeys } from "./keys";
import { signFirmware } from "./sign";
import { uploadFirmwareImage } from "./upload-image";
import { TEST_FIRMWARE_KID, TEST_FIRMWARE_PRIVATE_KEY, TEST_FIRMWARE_PUBLIC_KEY } from "../../scripts/test-keys.mjs";

// Fixtures for tests that need firmware images: the test firmware key of docs/protocol.md's
// vectors (public, for tests only: its public half is CLAIMLINK_FIRMWARE_KEYS in
// scripts/test-keys.mjs, so the unit tests' and the e2e server's configuration accept it).

export { TEST_FIRMWARE_KID, TEST_FIRMWARE_PRIVATE_KEY, TEST_FIRMWARE_PUBLIC_KEY };

/** A configuration that accepts the test firmware key (or `keys`), 4 MiB at most. */
export function testFirmwareConfig(overrides: Partial<FirmwareConfig> = {}): FirmwareConfig {
  return { keys: parseFirmwareKeys(TEST_FIRMWARE_PUBLIC_KEY), maxBytes: 4 * 1024 * 1024, ...overrides };
}

/** `size` bytes, byte i = (i + seed) mod 256 (seed 0, size 4096: the protocol's test image). */
export function testImage(size = 4096, seed = 0): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i + seed) & 0xff;
  return out;
}

/** firmwareSig of an image by the test firmware key (or `privateKey`, b64url scalar). */
export function signTestImage(
  p: { model: string; version: string; image: Uint8Array },
  privateKey = TEST_FIRMWARE_PRIVATE_KEY,
): string {
  const sha256 = createHash("sha256").update(p.image).digest("hex");
  return signFirmware(privateKey, { model: p.model, version: p.version, size: p.image.length, sha256 });
}

/** Registers a device model if it is not yet (an upload needs its model in the registry). */
export async function ensureTestModel(db: Db, model: string): Promise<void> {
  await db.insert(deviceModels).values({ model, displayName: `Test ${model}` }).onConflictDoNothing();
}

/** A model id no earlier test or run has used (a PostgreSQL test database outlives a run). */
export function uniqueTestModel(tag = "fw"): string {
  return `test-${tag}-${randomBytes(5).toString("hex")}`;
}

/**
 * Uploads an image through the real use case, signed by the test firmware key (or `privateKey`):
 * registers the model (default: a new unique one), makes random bytes of `size` (default 4096)
 * unless `image` is given. Returns the stored image, its bytes and signature.
 */
export async function uploadTestFirmware(
  db: Db,
  actor: Actor,
  p: { model?: string; version: string; image?: Uint8Array; size?: number; notes?: string; privateKey?: string },
  cfg: FirmwareConfig = testFirmwareConfig(),
): Promise<{ image: FirmwareImage; bytes: Uint8Array; sig: string }> {
  const model = p.model ?? uniqueTestModel();
  await ensureTestModel(db, model);
  const bytes = p.image ?? new Uint8Array(randomBytes(p.size ?? 4096));
  const sig = signTestImage({ model, version: p.version, image: bytes }, p.privateKey);
  const image = await uploadFirmwareImage(db, actor, { model, version: p.version, sig, notes: p.notes, image: bytes }, cfg);
  return { image, bytes, sig };
}

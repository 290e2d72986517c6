import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../lib/db/client";
import { firmwareImages } from "../lib/db/schema";
import { openTestDatabase } from "../lib/db/test-database";
import { firmwarePublicKeyOf } from "../lib/firmware/sign";
import { ensureTestModel, signTestImage, TEST_FIRMWARE_KID, uniqueTestModel } from "../lib/firmware/test-fixtures";

// `npm run cli -- firmware ...` as the key holder and staff run it: child processes. Uploads go
// to the run's database (PostgreSQL when DATABASE_URL is set, else an embedded directory of their own).

const dir = mkdtempSync(path.join(tmpdir(), "claimlink-fw-cli-"));
const dataDir = path.join(dir, "data");
const image = path.join(dir, "image.bin");
writeFileSync(image, createHash("sha512").update("an image").digest().toString("hex").repeat(100));
const bytes = readFileSync(image);

function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.resolve("node_modules/tsx/dist/cli.mjs"), "cli/index.ts", ...args], {
      env: { ...process.env, CLAIMLINK_DATA_DIR: dataDir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => resolve({ code: code ?? -1, out, err }));
  });
}

/** The database the CLI will use, opened only while the test sets it up or reads it (PGlite allows one process). */
async function withDatabase<T>(fn: (db: Database["db"]) => Promise<T>): Promise<T> {
  const database = process.env.DATABASE_URL
    ? await openTestDatabase()
    : await openDatabase({ driver: "pglite", dataDir });
  try {
    return await fn(database.db);
  } finally {
    await database.close();
  }
}

let model: string;
beforeAll(async () => {
  model = uniqueTestModel("cli");
  await withDatabase((db) => ensureTestModel(db, model));
});

describe("npm run cli -- firmware", { timeout: 180_000 }, () => {
  it("keygen writes a 0600 key, prints its public key and kid, and never overwrites", async () => {
    const out = path.join(dir, "firmware.key");
    const made = await cli(["firmware", "keygen", "--out", out]);
    expect(made.code).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const { publicKey, kid } = firmwarePublicKeyOf(readFileSync(out, "utf8").trim());
    expect(made.out).toContain(publicKey);
    expect(made.out).toContain(kid);
    expect(made.out).not.toContain(readFileSync(out, "utf8").trim());
    const again = await cli(["firmware", "keygen", "--out", out]);
    expect(again.code).toBe(1);
    expect(again.err).toContain("refusing to overwrite");
    expect(firmwarePublicKeyOf(readFileSync(out, "utf8").trim()).publicKey).toBe(publicKey);

    const signed = await cli(["firmware", "sign", "--key", out, "--model", model, "--version", "1.2.3", image]);
    expect(signed.code).toBe(0);
    const sig = signed.out.trim();
    expect(sig).toMatch(/^[A-Za-z0-9_-]{86}$/);
    const verify = (version: string, s = sig) =>
      cli(["firmware", "verify", "--pub", publicKey, "--model", model, "--version", version, "--sig", s, image]);
    const good = await verify("1.2.3");
    expect(good.code).toBe(0);
    expect(good.out).toContain(`signed by firmware key ${kid}`);
    const wrong = await verify("1.2.4");
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain("does not verify");
    expect((await cli(["firmware", "sign", "--key", out, "--model", model, "--version", "1.02.3", image])).code).toBe(
      2,
    );
  });

  it("upload stores a signed image and prints its SHA-256; a refusal exits 1 with the app's reason", async () => {
    const sig = signTestImage({ model, version: "2.0.0", image: bytes });
    const notes = path.join(dir, "notes.md");
    writeFileSync(notes, "Faster heating.\n");
    const up = await cli([
      "firmware",
      "upload",
      "--model",
      model,
      "--version",
      "2.0.0",
      "--sig",
      sig,
      "--notes",
      notes,
      image,
    ]);
    expect(up.err).toBe("");
    expect(up.code).toBe(0);
    const sha = createHash("sha256").update(bytes).digest("hex");
    expect(up.out.split("\n")[0]).toBe(sha);
    const [row] = await withDatabase((db) => db.select().from(firmwareImages).where(eq(firmwareImages.sha256, sha)));
    expect(row).toMatchObject({
      model,
      version: "2.0.0",
      size: bytes.length,
      kid: TEST_FIRMWARE_KID,
      notes: "Faster heating.\n",
    });
    expect(row.uploadedBy).toBeNull();

    const again = await cli(["firmware", "upload", "--model", model, "--version", "2.0.0", "--sig", sig, image]);
    expect(again.code).toBe(1);
    expect(again.err).toContain("firmware_version_exists");
    const forged = await cli(["firmware", "upload", "--model", model, "--version", "2.0.1", "--sig", sig, image]);
    expect(forged.code).toBe(1);
    expect(forged.err).toContain("firmware_signature_invalid");
    expect((await cli(["firmware", "upload", "--model", model, "--version", "2.0.1", image])).code).toBe(2);
  });
});

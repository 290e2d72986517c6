import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { newUser } from "../accounts/schemas";
import { createUser } from "../accounts/users";
import { CLI_ACTOR } from "../audit/record";
import { openDatabase } from "../db/client";
import { users } from "../db/schema";
import { loadLocalSecrets } from "../env";
import { backupEmbedded, restoreEmbedded } from "./backup";
import { runCliCommand } from "./commands";

// The embedded database's backup and restore (PostgreSQL has pg_dump): runs once.
const base = mkdtempSync(path.join(tmpdir(), "claimlink-backup-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe.skipIf(!!process.env.DATABASE_URL)("backup and restore of the embedded database", () => {
  it("copies the open database and its keys into a new 0600 file, and restores both into an empty directory", async () => {
    const dir = path.join(base, "live");
    const secrets = loadLocalSecrets(dir);
    const database = await openDatabase({ driver: "pglite", dataDir: dir });
    const file = path.join(base, "one.backup");
    let id: string;
    try {
      id = (
        await createUser(
          database.db,
          CLI_ACTOR,
          newUser({ email: "kept@example.org", name: "Kept", password: "correct horse battery", role: "staff" }),
        )
      ).id;
      await backupEmbedded(database.db, dir, file);
      // Written after the copy: not in it.
      await createUser(
        database.db,
        CLI_ACTOR,
        newUser({ email: "later@example.org", name: "Later", password: "correct horse battery", role: "staff" }),
      );
      expect(statSync(file).mode & 0o777).toBe(0o600);
      await expect(backupEmbedded(database.db, dir, file)).rejects.toThrow(/exists already/);
      expect(await runCliCommand(database.db, { op: "backup", file: "relative.backup" })).toEqual({
        exitCode: 1,
        lines: ["Give the backup file as an absolute path."],
      });
    } finally {
      await database.close();
    }
    const target = path.join(base, "restored");
    await restoreEmbedded(file, target);
    expect(loadLocalSecrets(target)).toEqual(secrets);
    const restored = await openDatabase({ driver: "pglite", dataDir: target });
    try {
      const rows = await restored.db.select({ id: users.id, email: users.email }).from(users);
      expect(rows).toEqual([{ id, email: "kept@example.org" }]);
      expect(await restored.db.select().from(users).where(eq(users.email, "later@example.org"))).toEqual([]);
    } finally {
      await restored.close();
    }
  });

  it("never restores into a data directory with anything in it, nor from a damaged file", async () => {
    const file = path.join(base, "one.backup");
    const full = path.join(base, "full");
    mkdirSync(full);
    writeFileSync(path.join(full, "secrets.json"), "{}");
    await expect(restoreEmbedded(file, full)).rejects.toThrow(/not empty/);
    const damaged = path.join(base, "damaged.backup");
    const data = readFileSync(file);
    writeFileSync(damaged, data.subarray(0, data.length - 100));
    await expect(restoreEmbedded(damaged, path.join(base, "other"))).rejects.toThrow(/damaged or incomplete/);
    // A key changed in the file (a flipped character would leave every device unable to sign
    // in after the restore) or missing: refused as damaged, and nothing is written.
    const text = data.toString("latin1");
    const at = text.indexOf('"secretKey":"') + '"secretKey":"'.length;
    const flipped = text.slice(0, at) + (text[at] === "A" ? "B" : "A") + text.slice(at + 1);
    writeFileSync(path.join(base, "flipped.backup"), Buffer.from(flipped, "latin1"));
    await expect(restoreEmbedded(path.join(base, "flipped.backup"), path.join(base, "other"))).rejects.toThrow(
      /damaged or incomplete/,
    );
    const noKeys = text.replace(/"secrets":\{[^}]*\}/, '"secrets":null');
    writeFileSync(path.join(base, "no-keys.backup"), Buffer.from(noKeys, "latin1"));
    await expect(restoreEmbedded(path.join(base, "no-keys.backup"), path.join(base, "other"))).rejects.toThrow(
      /damaged or incomplete/,
    );
    expect(existsSync(path.join(base, "other"))).toBe(false);
    writeFileSync(path.join(base, "text.backup"), "hello\n");
    await expect(restoreEmbedded(path.join(base, "text.backup"), path.join(base, "other"))).rejects.toThrow(
      /not a Claimlink backup/,
    );
  });
});

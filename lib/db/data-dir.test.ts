import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { openDatabase } from "./client";
import { loadLocalSecrets } from "../env";

// What local users of the host could reach: the embedded database's files (password hashes,
// emails, the audit log) and secrets.json. None of it depends on PostgreSQL: it runs once.
const base = mkdtempSync(path.join(tmpdir(), "claimlink-datadir-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** Every file and directory under `dir` whose mode lets group or others in, as path and octal mode. */
function openToOthers(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const p = path.join(entry.parentPath, entry.name);
    const mode = statSync(p).mode & 0o777;
    if (mode & 0o077) found.push(`${path.relative(dir, p)} ${mode.toString(8)}`);
  }
  return found;
}

describe.skipIf(!!process.env.DATABASE_URL)("the embedded database's data directory", () => {
  it("is created 0700 and every file the app and PGlite write in it is private", async () => {
    const dir = path.join(base, "fresh", "data");
    const database = await openDatabase({ driver: "pglite", dataDir: dir });
    try {
      loadLocalSecrets(dir);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(openToOthers(dir)).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it("tightens an existing directory others may open, and says so", () => {
    const dir = path.join(base, "loose");
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      loadLocalSecrets(dir);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(warn.mock.calls.map((c) => c.join(" ")).join("\n")).toMatch(/could be opened by other users.*now 0700/);
    } finally {
      warn.mockRestore();
    }
  });

  it("refuses a data directory reached through a symbolic link, or in a directory anyone may change", () => {
    const real = path.join(base, "real");
    mkdirSync(real, { mode: 0o700 });
    const link = path.join(base, "link");
    symlinkSync(real, link);
    expect(() => loadLocalSecrets(link)).toThrow(/is a symbolic link/);
    expect(readdirSync(real)).toEqual([]);

    const shared = path.join(base, "shared");
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    expect(() => loadLocalSecrets(path.join(shared, "data"))).toThrow(/any user may change/);
    chmodSync(shared, 0o1777); // sticky, as /tmp: others cannot rename what is not theirs
    expect(() => loadLocalSecrets(path.join(shared, "data"))).not.toThrow();
  });

  it.skipIf(process.getuid?.() !== 0)("refuses a directory another user owns, writing nothing in it", async () => {
    const dir = path.join(base, "theirs");
    mkdirSync(dir, { mode: 0o700 });
    writeFileSync(path.join(dir, "placeholder"), "");
    chownSync(dir, 65534, 65534); // nobody
    await expect(openDatabase({ driver: "pglite", dataDir: dir })).rejects.toThrow(/belongs to another user/);
    expect(() => loadLocalSecrets(dir)).toThrow(/belongs to another user/);
    expect(readdirSync(dir)).toEqual(["placeholder"]);
  });
});

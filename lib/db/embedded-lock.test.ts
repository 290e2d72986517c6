import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { acquireLock, DatabaseInUseError, lockPath, readLock } from "./embedded-lock";

describe("the embedded database lock", () => {
  it("refuses a second process while the holder lives, naming it", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "claimlink-lock-"));
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    try {
      writeFileSync(lockPath(dir), JSON.stringify({ pid: holder.pid, app: true, since: "" }));
      const err = (() => {
        try {
          acquireLock(dir, false);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(DatabaseInUseError);
      expect((err as DatabaseInUseError).holder).toMatchObject({ pid: holder.pid, app: true });
      expect(readLock(dir)?.pid).toBe(holder.pid);
    } finally {
      holder.kill();
    }
  });

  it("takes over a lock left by a dead process, and releases it", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "claimlink-lock-"));
    const dead = spawn(process.execPath, ["-e", ""]);
    await new Promise((r) => dead.on("exit", r));
    writeFileSync(lockPath(dir), JSON.stringify({ pid: dead.pid, app: false, since: "" }));
    expect(readLock(dir)).toBeNull();
    const release = acquireLock(dir, false);
    release();
    expect(readLock(dir)).toBeNull();
    acquireLock(dir, false)();
  });
});

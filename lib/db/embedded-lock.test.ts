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
      writeFileSync(lockPath(dir), JSON.stringify({ pid: holder.pid, appUrl: "http://127.0.0.1:3999", since: "" }));
      const err = (() => {
        try {
          acquireLock(dir, null);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(DatabaseInUseError);
      expect((err as DatabaseInUseError).holder).toMatchObject({ pid: holder.pid, appUrl: "http://127.0.0.1:3999" });
      expect(readLock(dir)?.pid).toBe(holder.pid);
    } finally {
      holder.kill();
    }
  });

  it("takes over a lock left by a dead process, and releases it", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "claimlink-lock-"));
    const dead = spawn(process.execPath, ["-e", ""]);
    await new Promise((r) => dead.on("exit", r));
    writeFileSync(lockPath(dir), JSON.stringify({ pid: dead.pid, appUrl: null, since: "" }));
    expect(readLock(dir)).toBeNull();
    const release = acquireLock(dir, null);
    release();
    expect(readLock(dir)).toBeNull();
    acquireLock(dir, null)();
  });
});

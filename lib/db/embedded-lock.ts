import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";

// PGlite allows one process per data directory and takes no lock of its own: two processes
// writing one directory corrupt it. Every process that opens the embedded database holds this
// lock file for as long as it has the database open.

/** `app`: the holder is the running app, which takes CLI commands on its control socket. */
export type LockInfo = { pid: number; app: boolean; since: string };

export class DatabaseInUseError extends Error {
  constructor(readonly holder: LockInfo) {
    super(`The embedded database is in use by process ${holder.pid}${holder.app ? " (the app)" : ""}.`);
    this.name = "DatabaseInUseError";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function lockPath(dataDir: string): string {
  return path.join(dataDir, "pglite.lock");
}

/** The live holder of the lock, or null when nobody (or a dead process) holds it. */
export function readLock(dataDir: string): LockInfo | null {
  try {
    const info = JSON.parse(readFileSync(lockPath(dataDir), "utf8")) as LockInfo;
    return info.pid !== process.pid && isAlive(info.pid) ? info : null;
  } catch {
    return null;
  }
}

/**
 * Takes the lock or throws DatabaseInUseError naming the live holder. A lock left by a dead
 * process is taken over. Released automatically when this process exits.
 */
export function acquireLock(dataDir: string, app: boolean): () => void {
  const file = lockPath(dataDir);
  const info: LockInfo = { pid: process.pid, app, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o600); // O_EXCL: exactly one creator wins
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          const current = JSON.parse(readFileSync(file, "utf8")) as LockInfo;
          if (current.pid === process.pid) unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
      process.once("exit", release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = readLock(dataDir);
      if (holder) throw new DatabaseInUseError(holder);
      try {
        unlinkSync(file); // stale: its process is gone
      } catch {
        /* someone else removed it first; retry */
      }
    }
  }
  const holder = readLock(dataDir);
  throw new DatabaseInUseError(holder ?? { pid: -1, app: false, since: "" });
}

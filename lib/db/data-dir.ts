import { chmodSync, lstatSync, mkdirSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

// The embedded database's directory holds password hashes, emails, the audit log (in PGlite's
// files and WAL), secrets.json and the CLI's control socket: it is private to the account the
// app runs as. The umask is narrowed for the files the app and PGlite create later; PGlite
// unpacks a new database with mode 0666 whatever the umask, so what is there after it opens is
// tightened too; and a directory someone else owns (they could read or swap its files) is refused.

export class DataDirectoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DataDirectoryError";
  }
}

/** Narrows this process's umask to 077: files and directories it creates from now on are its own. */
export function restrictUmask(): void {
  try {
    process.umask(process.umask() | 0o077);
  } catch {
    // worker threads cannot change the umask; the directory's 0700 still keeps others out
  }
}

/**
 * Creates `dir` with mode 0700 (or checks an existing one), narrows the umask, sets an existing
 * directory that others may enter back to 0700 with a warning, and throws DataDirectoryError for
 * a directory another user owns.
 */
export function secureDataDir(dir: string, uid = process.getuid?.() ?? -1): void {
  restrictUmask();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Not through a symbolic link (whoever can change the link could point it elsewhere after
  // this check), and not in a directory others may rename entries of (they could swap it).
  const st = lstatSync(dir);
  if (st.isSymbolicLink())
    throw new DataDirectoryError(
      `The data directory ${dir} is a symbolic link; set CLAIMLINK_DATA_DIR to the directory it points to.`,
    );
  if (!st.isDirectory()) throw new DataDirectoryError(`${dir} is not a directory.`);
  const parent = statSync(path.dirname(path.resolve(dir)));
  if (parent.mode & 0o002 && !(parent.mode & 0o1000))
    throw new DataDirectoryError(
      `The data directory ${dir} is in a directory any user may change (${path.dirname(path.resolve(dir))}), ` +
        `where another user could replace it; give it a directory of its own (CLAIMLINK_DATA_DIR).`,
    );
  if (uid >= 0 && st.uid !== uid)
    throw new DataDirectoryError(
      `The data directory ${dir} belongs to another user (uid ${st.uid}), who could read or change the database; ` +
        `run Claimlink as that user, or give it a directory of its own (CLAIMLINK_DATA_DIR).`,
    );
  const mode = st.mode & 0o777;
  if (mode & 0o077) {
    chmodSync(dir, 0o700);
    console.warn(
      `[config] the data directory ${dir} could be opened by other users (mode ${mode.toString(8).padStart(4, "0")}); its mode is now 0700.`,
    );
  }
}

/** Takes group and other permissions off everything under `dir` (symbolic links are left alone). */
export function tightenTree(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const p = path.join(entry.parentPath, entry.name);
    const st = lstatSync(p);
    if (!st.isSymbolicLink() && st.mode & 0o077) chmodSync(p, st.mode & 0o700);
  }
}

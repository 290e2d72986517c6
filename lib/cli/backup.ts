import { createHash } from "node:crypto";
import { closeSync, existsSync, openSync, readdirSync, readFileSync, writeSync } from "node:fs";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { secureDataDir, tightenTree } from "../db/data-dir";
import { acquireLock } from "../db/embedded-lock";

// Backups of the embedded database: one file with the database (PGlite's data directory as a
// gzipped tar, taken while the app runs, between two of its statements) and the data
// directory's secrets.json, without which the restored device secrets would not open and the
// restored sessions would not verify. The file is created 0600: it holds the password hashes
// and the keys. On PostgreSQL, pg_dump and pg_restore do this (docs/deployment.md).

const MAGIC = "CLAIMLINK-BACKUP 1\n";

type Header = {
  createdAt: string;
  secrets: unknown;
  /** SHA-256 of the secrets as written (JSON): a changed key would leave every device unable to sign in. */
  secretsSha256: string;
  database: { format: "pglite-tar-gz"; bytes: number; sha256: string };
};

const sha256Hex = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

/** The data directory's three keys, each a non-empty string of a sensible length. */
function isLocalSecrets(value: unknown): boolean {
  if (!value || typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  return ["authSecret", "secretKey", "signingKey"].every(
    (k) => typeof v[k] === "string" && (v[k] as string).length >= 16 && (v[k] as string).length <= 512,
  );
}

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackupError";
  }
}

/** The PGlite instance behind a drizzle database of the embedded driver, or null for PostgreSQL. */
function pgliteOf(db: Db): PGlite | null {
  const client = (db as unknown as { $client?: Partial<PGlite> }).$client;
  return client && typeof client.dumpDataDir === "function" ? (client as PGlite) : null;
}

/**
 * Writes a consistent copy of the embedded database `db` (of `dataDir`) and its secrets to
 * `file`, which must not exist yet. Returns the database's size in bytes.
 */
export async function backupEmbedded(db: Db, dataDir: string, file: string): Promise<{ bytes: number }> {
  const client = pgliteOf(db);
  if (!client) throw new BackupError("This database is PostgreSQL: back it up with pg_dump (docs/deployment.md).");
  if (!path.isAbsolute(file)) throw new BackupError("Give the backup file as an absolute path.");
  // A checkpoint first, so a restore replays little WAL; the copy itself waits for the statement
  // running now and holds the next one back until it is taken.
  await db.execute(sql`checkpoint`);
  const dump = Buffer.from(await (await client.dumpDataDir("gzip")).arrayBuffer());
  const secrets: unknown = JSON.parse(readFileSync(path.join(dataDir, "secrets.json"), "utf8"));
  const header: Header = {
    createdAt: new Date().toISOString(),
    secrets,
    secretsSha256: sha256Hex(JSON.stringify(secrets)),
    database: { format: "pglite-tar-gz", bytes: dump.length, sha256: sha256Hex(dump) },
  };
  let fd: number;
  try {
    fd = openSync(file, "wx", 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new BackupError(
      code === "EEXIST" ? `${file} exists already; choose a new file.` : `Cannot create ${file} (${code}).`,
    );
  }
  try {
    writeSync(fd, MAGIC + JSON.stringify(header) + "\n");
    writeSync(fd, dump);
  } finally {
    closeSync(fd);
  }
  return { bytes: dump.length };
}

/** The header and database of a backup file, checked against its checksum. */
function readBackup(file: string): { header: Header; dump: Buffer } {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (err) {
    throw new BackupError(`Cannot read ${file} (${(err as NodeJS.ErrnoException).code}).`);
  }
  const notOne = new BackupError(`${file} is not a Claimlink backup.`);
  if (!data.subarray(0, MAGIC.length).equals(Buffer.from(MAGIC))) throw notOne;
  const end = data.indexOf(0x0a, MAGIC.length);
  if (end < 0) throw notOne;
  let header: Header;
  try {
    header = JSON.parse(data.subarray(MAGIC.length, end).toString("utf8")) as Header;
  } catch {
    throw notOne;
  }
  const dump = data.subarray(end + 1);
  if (
    header?.database?.format !== "pglite-tar-gz" ||
    dump.length !== header.database.bytes ||
    sha256Hex(dump) !== header.database.sha256 ||
    !isLocalSecrets(header.secrets) ||
    sha256Hex(JSON.stringify(header.secrets)) !== header.secretsSha256
  )
    throw new BackupError(`${file} is damaged or incomplete (its checksum does not match).`);
  return { header, dump };
}

/**
 * Restores a backup into `dataDir`, which must be empty or not exist (a restore never replaces
 * a database). No process may hold the directory. Returns when the database has opened.
 */
export async function restoreEmbedded(file: string, dataDir: string): Promise<{ createdAt: string }> {
  const { header, dump } = readBackup(file);
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0)
    throw new BackupError(
      `${dataDir} is not empty; restore into an empty data directory (move the current one aside first).`,
    );
  secureDataDir(dataDir);
  const release = acquireLock(dataDir, false);
  try {
    const fd = openSync(path.join(dataDir, "secrets.json"), "wx", 0o600);
    try {
      writeSync(fd, JSON.stringify(header.secrets, null, 2) + "\n");
    } finally {
      closeSync(fd);
    }
    const { PGlite } = await import("@electric-sql/pglite");
    const client = await PGlite.create(path.join(dataDir, "pglite"), {
      loadDataDir: new Blob([new Uint8Array(dump)]),
    });
    await client.query("select 1");
    await client.close();
    tightenTree(dataDir);
  } finally {
    release();
  }
  return { createdAt: header.createdAt };
}

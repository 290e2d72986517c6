import { emailSchema, passwordSchema, displayNameSchema, roleSchema } from "../lib/accounts/schemas";
import { runCliCommand, type CliCommand, type CliResult } from "../lib/cli/commands";
import { openDatabase } from "../lib/db/client";
import { DatabaseInUseError, readLock } from "../lib/db/embedded-lock";
import { readFileSync } from "node:fs";
import path from "node:path";
import { BackupError, restoreEmbedded } from "../lib/cli/backup";
import { ControlSocketError, sendToControlSocket } from "../lib/cli/control-socket";
import { createKeyLines, listKeyLines } from "../lib/cli/keys";
import { env } from "../lib/env";
import { firmwareKeygen, firmwareSign, firmwareVerify } from "../lib/cli/firmware";
import { readHidden } from "./prompt";

const USAGE = `Usage: npm run cli -- <command>

  users add <email> --name "<display name>" [--role participant|staff|support]
      The password comes from CLAIMLINK_PASSWORD, or is asked for (hidden) on a terminal.
  users list
  users disable <email>
  users enable <email>
  users reset-2fa <email>
      Switches off the account's two-factor sign-in (a lost phone) and ends its sessions.
  keys create
      Makes a server signing key and prints how to publish it and rotate to it.
  keys list
      Prints the keys this configuration publishes (kid, use, public key).
  keys reseal
      Re-seals every device secret under the first key of CLAIMLINK_SECRET_KEY (rotation: put a
      new key first, keep the old one after it, run this, then remove the old key).
  backup <file>
      Copies the embedded database and its keys into a new file (0600), also while the app runs.
  restore <file>
      Puts a backup into an empty data directory (CLAIMLINK_DATA_DIR); the app must be stopped.
      On PostgreSQL, use pg_dump and pg_restore (docs/deployment.md).

  The firmware key holder's commands (offline; no configuration or database needed):
  firmware keygen --out <file>
      Writes a new firmware private key to <file> (mode 0600, never over a file); prints its public key and kid.
  firmware sign --key <file> --model <model> --version <version> <image>
      Prints the image's signature (firmwareSig, docs/protocol.md section 7).
  firmware verify (--pub <public key> | --keys <k1,k2>) --model <model> --version <version> --sig <sig> <image>
  For staff, with the app's database:
  firmware upload --model <model> --version <version> --sig <sig> [--notes <file>] <image>
      Stores the image on the server, which checks the signature; prints its SHA-256.`;

class UsageError extends Error {}

function takeFlag(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith("--")) throw new UsageError(`${flag} needs a value.`);
  args.splice(i, 2);
  return value;
}

function check<T>(
  schema: {
    safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } };
  },
  value: unknown,
  what: string,
): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new UsageError(`The ${what} ${r.error.issues[0].message}.`);
  return r.data;
}

function need(args: string[], flag: string): string {
  const v = takeFlag(args, flag);
  if (v === undefined) throw new UsageError(`Give ${flag}.`);
  return v;
}

/** `firmware keygen|sign|verify`: offline, before anything reads the configuration. */
function offlineFirmware(verb: string | undefined, argv: string[]): CliResult {
  const args = [...argv];
  if (verb === "keygen") {
    const out = need(args, "--out");
    if (args.length !== 0) throw new UsageError(USAGE);
    return firmwareKeygen(fromCaller(out));
  }
  const manifest = () => {
    const model = need(args, "--model");
    const version = need(args, "--version");
    return { model, version };
  };
  if (verb === "sign") {
    const key = need(args, "--key");
    const m = manifest();
    if (args.length !== 1) throw new UsageError("Give exactly one image file.");
    return firmwareSign(fromCaller(key), { ...m, image: fromCaller(args[0]) });
  }
  if (verb === "verify") {
    const pubs: string[] = [];
    for (let p = takeFlag(args, "--pub"); p !== undefined; p = takeFlag(args, "--pub")) pubs.push(p);
    const keys = takeFlag(args, "--keys");
    const sig = need(args, "--sig");
    const m = manifest();
    if (args.length !== 1) throw new UsageError("Give exactly one image file.");
    return firmwareVerify([...pubs, keys ?? ""].join(","), sig, { ...m, image: fromCaller(args[0]) });
  }
  throw new UsageError(USAGE);
}

async function readPassword(): Promise<string> {
  const fromEnv = env().cliPassword;
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY)
    throw new UsageError("Set CLAIMLINK_PASSWORD, or run on a terminal to be asked for the password.");
  const first = await readHidden("Password (at least 10 characters): ");
  const second = await readHidden("Repeat the password: ");
  if (first !== second) throw new UsageError("The two passwords differ.");
  return first;
}

/** A path as the person typed it, from the directory they ran `npm run` in. */
const fromCaller = (file: string) => path.resolve(process.env.INIT_CWD ?? process.cwd(), file);

/**
 * `restore <file>`: before anything reads the configuration, which would create secrets.json in
 * the (empty) data directory the backup's own keys go into.
 */
async function restore(file: string): Promise<number> {
  if (process.env.DATABASE_URL) {
    console.error("DATABASE_URL is set: restore PostgreSQL with pg_restore (docs/deployment.md).");
    return 2;
  }
  const dataDir = path.resolve(process.env.CLAIMLINK_DATA_DIR || ".data");
  const holder = readLock(dataDir);
  if (holder) {
    console.error(`Process ${holder.pid} holds ${dataDir}; stop it first.`);
    return 1;
  }
  const { createdAt } = await restoreEmbedded(fromCaller(file), dataDir);
  console.log(`Restored the backup of ${createdAt} into ${dataDir}. Start the app (npm start).`);
  return 0;
}

async function parse(argv: string[]): Promise<CliCommand> {
  const args = [...argv];
  const [group, verb] = args.splice(0, 2);
  if (group === "keys" && verb === "reseal" && args.length === 0) return { op: "keys.reseal" };
  if (group === "backup" && verb && args.length === 0) return { op: "backup", file: fromCaller(verb) };
  if (group === "firmware" && verb === "upload") {
    const [model, version, sig] = ["--model", "--version", "--sig"].map((f) => need(args, f));
    const notesFile = takeFlag(args, "--notes");
    if (args.length !== 1) throw new UsageError("Give exactly one image file.");
    const notes = notesFile === undefined ? "" : readFileSync(fromCaller(notesFile), "utf8");
    return { op: "firmware.upload", model, version, sig, notes, file: fromCaller(args[0]) };
  }
  if (group !== "users" || !verb) throw new UsageError(USAGE);
  if (verb === "list" && args.length === 0) return { op: "users.list" };
  if ((verb === "disable" || verb === "enable") && args.length === 1) {
    return { op: verb === "disable" ? "users.disable" : "users.enable", email: check(emailSchema, args[0], "email") };
  }
  if (verb === "reset-2fa" && args.length === 1)
    return { op: "users.reset-2fa", email: check(emailSchema, args[0], "email") };
  if (verb === "add") {
    const name = takeFlag(args, "--name");
    const role = takeFlag(args, "--role") ?? "participant";
    if (args.length !== 1) throw new UsageError(USAGE);
    if (name === undefined) throw new UsageError('Give the display name with --name "<name>".');
    const email = check(emailSchema, args[0], "email");
    const user = {
      email,
      name: check(displayNameSchema, name, "name"),
      role: check(roleSchema, role, "role (participant, staff or support)"),
      password: check(passwordSchema, await readPassword(), "password"),
    };
    return { op: "users.add", user };
  }
  throw new UsageError(USAGE);
}

async function run(command: CliCommand): Promise<CliResult> {
  const e = env();
  if (e.DATABASE_URL) {
    const database = await openDatabase({ driver: "postgres", url: e.DATABASE_URL, max: 1 });
    try {
      return await runCliCommand(database.db, command);
    } finally {
      await database.close();
    }
  }
  const holder = readLock(e.dataDir);
  // The app holds the database: the command goes through its control socket (lib/cli/control-socket.ts).
  if (holder?.app) return sendToControlSocket(e.dataDir, command);
  const database = await openDatabase({ driver: "pglite", dataDir: e.dataDir });
  try {
    return await runCliCommand(database.db, command);
  } finally {
    await database.close();
  }
}

async function main(): Promise<number> {
  try {
    const [group, verb, ...rest] = process.argv.slice(2);
    if (group === "restore" && verb && rest.length === 0) return await restore(verb);
    if (group === "firmware" && verb !== "upload") {
      const result = offlineFirmware(verb, rest);
      for (const line of result.lines) (result.exitCode === 0 ? console.log : console.error)(line);
      return result.exitCode;
    }
    if (group === "keys" && rest.length === 0 && (verb === "create" || verb === "list")) {
      for (const line of verb === "create" ? createKeyLines() : listKeyLines()) console.log(line);
      return 0;
    }
    const result = await run(await parse(process.argv.slice(2)));
    for (const line of result.lines) (result.exitCode === 0 ? console.log : console.error)(line);
    return result.exitCode;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(err.message);
      return 2;
    }
    if (err instanceof ControlSocketError) {
      console.error(`${err.message} The app (pid ${readLock(env().dataDir)?.pid}) holds the embedded database.`);
      return 1;
    }
    if (err instanceof BackupError) {
      console.error(err.message);
      return 1;
    }
    if (err instanceof DatabaseInUseError) {
      console.error(`${err.message} Stop that process and try again.`);
      return 1;
    }
    console.error(err instanceof Error ? err.message : String(err));
    return 1;
  }
}

main().then((code) => process.exit(code));

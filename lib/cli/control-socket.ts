import { chmodSync, lstatSync, unlinkSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import type { Db } from "../db/client";
import { logInternalError } from "../errors/problem";
import { runCliCommand, type CliResult } from "./commands";

// The CLI's control channel to the app that holds the embedded database: a unix socket in the
// data directory, mode 0600, so only the account the app runs as (and root) can connect. Nothing
// reaches it over HTTP. One JSON command per connection, one JSON result back.

/** Larger requests are refused (a command is a few hundred bytes). */
const MAX_REQUEST_BYTES = 64 * 1024;
/** A client that sends nothing (or no newline) is disconnected after this long. */
const IDLE_MS = 30_000;

/** A unix socket's path must fit `sun_path` (108 bytes on Linux, 104 on macOS, with its NUL). */
const MAX_SOCKET_PATH_BYTES = 103;

export function controlSocketPath(dataDir: string): string {
  return path.join(dataDir, "control.sock");
}

export class ControlSocketError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ControlSocketError";
  }
}

/**
 * Why the socket at `file` must not be used, or null when it is a socket of this user that no
 * one else can connect to. The CLI checks before connecting (it may send a password): a socket
 * another local user planted, or one others may open, is refused.
 */
export function socketProblem(file: string, uid = process.getuid?.() ?? -1): string | null {
  let st;
  try {
    st = lstatSync(file);
  } catch {
    return `there is no control socket at ${file}`;
  }
  if (!st.isSocket()) return `${file} is not a socket`;
  if (uid >= 0 && st.uid !== uid) return `${file} belongs to another user (uid ${st.uid})`;
  const mode = st.mode & 0o777;
  if (mode & 0o077) return `${file} may be opened by other users (mode ${mode.toString(8).padStart(4, "0")})`;
  return null;
}

/**
 * Listens on the data directory's control socket and runs each command on `db`. Call it while
 * holding the embedded database's lock: a socket file already there is then a killed app's
 * leftover and is replaced. Anything else at that path is left alone and refused.
 */
export async function listenForCli(dataDir: string, db: Db): Promise<net.Server> {
  const file = controlSocketPath(dataDir);
  if (Buffer.byteLength(file) > MAX_SOCKET_PATH_BYTES)
    throw new ControlSocketError(
      `${file} is longer than a unix socket's path may be (${MAX_SOCKET_PATH_BYTES} bytes): choose a shorter ` +
        `CLAIMLINK_DATA_DIR to use the CLI while the app runs.`,
    );
  let existing;
  try {
    existing = lstatSync(file);
  } catch {
    existing = null;
  }
  if (existing) {
    if (!existing.isSocket())
      throw new ControlSocketError(`${file} exists and is not a socket; remove it to let the CLI reach the app.`);
    unlinkSync(file); // a stale socket of an app that was killed (we hold the lock now)
  }
  const server = net.createServer((conn) => serve(conn, db));
  server.maxConnections = 8;
  // The socket is created 0600 from the start: no window in which another user could connect.
  const previous = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(file, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } finally {
    process.umask(previous);
  }
  chmodSync(file, 0o600);
  const problem = socketProblem(file);
  if (problem) {
    server.close();
    throw new ControlSocketError(`The control socket is unsafe: ${problem}.`);
  }
  server.unref(); // never keeps the process alive on its own
  return server;
}

function serve(conn: net.Socket, db: Db) {
  let buffered = "";
  let done = false;
  conn.setEncoding("utf8");
  conn.setTimeout(IDLE_MS, () => conn.destroy());
  conn.on("error", () => {});
  const reply = (result: CliResult) => {
    done = true;
    conn.end(JSON.stringify(result) + "\n");
  };
  conn.on("data", (chunk: string) => {
    if (done) return;
    buffered += chunk;
    if (buffered.length > MAX_REQUEST_BYTES) return reply({ exitCode: 2, lines: ["The command is too large."] });
    const newline = buffered.indexOf("\n");
    if (newline < 0) return;
    done = true;
    let command: unknown;
    try {
      command = JSON.parse(buffered.slice(0, newline));
    } catch {
      return reply({ exitCode: 2, lines: ["The command is not JSON."] });
    }
    runCliCommand(db, command).then(reply, (err) => {
      logInternalError("cli", err);
      reply({ exitCode: 1, lines: ["The app could not run the command; its log has the details."] });
    });
  });
}

/** Sends one command to the app listening on the data directory's control socket. */
export async function sendToControlSocket(dataDir: string, command: unknown): Promise<CliResult> {
  const file = controlSocketPath(dataDir);
  const problem = socketProblem(file);
  if (problem) throw new ControlSocketError(`Refusing the app's control socket: ${problem}.`);
  return new Promise((resolve, reject) => {
    const conn = net.createConnection(file);
    let answer = "";
    conn.setEncoding("utf8");
    conn.setTimeout(120_000, () => conn.destroy(new ControlSocketError("The app did not answer in time.")));
    conn.on("connect", () => conn.write(JSON.stringify(command) + "\n"));
    conn.on("data", (d: string) => (answer += d));
    conn.on("error", (err) =>
      reject(new ControlSocketError(`The app does not answer on ${file} (${(err as NodeJS.ErrnoException).code}).`)),
    );
    conn.on("end", () => {
      try {
        const result = JSON.parse(answer) as CliResult;
        if (typeof result?.exitCode !== "number" || !Array.isArray(result.lines)) throw new Error("shape");
        resolve(result);
      } catch {
        reject(new ControlSocketError("The app's answer on the control socket was not understood."));
      }
    });
  });
}

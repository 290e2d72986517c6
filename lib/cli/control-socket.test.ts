import { spawn } from "node:child_process";
import { chmodSync, chownSync, existsSync, lstatSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../db/client";
import { uniqueEmail } from "../db/test-database";
import { controlSocketPath, listenForCli, sendToControlSocket } from "./control-socket";

// The control channel as the CLI uses it: this process holds an embedded database in a data
// directory of its own, as the app does, and listens on the directory's socket; the CLI runs
// as a child process that cannot open the database itself, so each command goes through it.
const dataDir = mkdtempSync(path.join(tmpdir(), "claimlink-control-"));
const socket = controlSocketPath(dataDir);
let database: Database;
let server: net.Server;

function cli(
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.resolve("node_modules/tsx/dist/cli.mjs"), "cli/index.ts", ...args], {
      env: { ...process.env, DATABASE_URL: "", CLAIMLINK_DATA_DIR: dataDir, CLAIMLINK_PASSWORD: "", ...extraEnv },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => resolve({ code: code ?? -1, out, err }));
  });
}

const password = { CLAIMLINK_PASSWORD: "correct horse battery" };
const isRoot = process.getuid?.() === 0;

/** A process that listens on `file` and is then killed with SIGKILL: its socket file stays. */
async function leaveStaleSocket(file: string) {
  const child = spawn(
    process.execPath,
    ["-e", `require("net").createServer().listen(${JSON.stringify(file)}, () => console.log("up"))`],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise<void>((resolve) => child.stdout!.once("data", () => resolve()));
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await exited;
  expect(lstatSync(file).isSocket()).toBe(true);
}

describe("the CLI's control socket", { timeout: 120_000 }, () => {
  beforeAll(async () => {
    await leaveStaleSocket(socket); // as a killed app leaves it
    database = await openDatabase({ driver: "pglite", dataDir, app: true });
    server = await listenForCli(dataDir, database.db);
  });
  afterAll(async () => {
    server?.close();
    await database?.close();
  });

  it("replaces a killed app's socket, is 0600 and owned by the app's user", () => {
    const st = lstatSync(socket);
    expect(st.isSocket()).toBe(true);
    expect((st.mode & 0o777).toString(8)).toBe("600");
    expect(st.uid).toBe(process.getuid!());
  });

  it("runs the CLI's commands in the process that holds the database", async () => {
    const email = uniqueEmail("socket");
    const add = await cli(["users", "add", email, "--name", "Sock Et", "--role", "staff"], password);
    expect(add.err).toBe("");
    expect(add.code).toBe(0);
    expect(add.out).toContain(`Created staff account ${email}`);
    const list = await cli(["users", "list"]);
    expect(list.code).toBe(0);
    expect(list.out).toContain(email);
    const dup = await cli(["users", "add", email, "--name", "Again"], password);
    expect(dup.code).toBe(1);
    expect(dup.err).toContain("already exists");
  });

  it("answers a malformed or oversized command with a refusal, and keeps serving", async () => {
    expect(await sendToControlSocket(dataDir, { op: "users.drop" })).toMatchObject({ exitCode: 2 });
    const raw = (payload: string) =>
      new Promise<string>((resolve) => {
        const c = net.createConnection(socket, () => c.write(payload));
        let answer = "";
        c.on("data", (d) => (answer += d));
        c.on("end", () => resolve(answer));
        c.on("error", () => resolve(answer));
      });
    expect(JSON.parse(await raw("{not json\n"))).toMatchObject({ exitCode: 2 });
    expect(JSON.parse(await raw("x".repeat(100_000)))).toMatchObject({ exitCode: 2 });
    expect(await sendToControlSocket(dataDir, { op: "users.list" })).toMatchObject({ exitCode: 0 });
  });

  it("refuses a socket that other users may open, before sending anything (a password included)", async () => {
    chmodSync(socket, 0o666);
    try {
      const email = uniqueEmail("open-socket");
      const r = await cli(["users", "add", email, "--name", "Never"], password);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/Refusing the app's control socket: .* may be opened by other users \(mode 0666\)/);
      chmodSync(socket, 0o600);
      expect((await cli(["users", "list"])).out).not.toContain(email);
    } finally {
      chmodSync(socket, 0o600);
    }
  });

  it.skipIf(!isRoot)("refuses a socket another local user owns", async () => {
    chownSync(socket, 65534, 65534); // nobody
    try {
      const r = await cli(["users", "list"]);
      expect(r.code).toBe(1);
      expect(r.err).toContain("belongs to another user (uid 65534)");
    } finally {
      chownSync(socket, process.getuid!(), process.getgid!());
    }
    expect((await cli(["users", "list"])).code).toBe(0);
  });

  it("leaves anything but a socket at the path alone, and says so", async () => {
    const other = mkdtempSync(path.join(tmpdir(), "claimlink-control-"));
    writeFileSync(controlSocketPath(other), "not a socket");
    const db = await openDatabase({ driver: "pglite", dataDir: other, app: true });
    try {
      await expect(listenForCli(other, db.db)).rejects.toThrow("exists and is not a socket");
      expect(readFileSync(controlSocketPath(other), "utf8")).toBe("not a socket");
    } finally {
      await db.close();
    }
  });

  it("says when the data directory's path is too long for a socket", async () => {
    const deep = path.join(mkdtempSync(path.join(tmpdir(), "claimlink-control-")), "d".repeat(100));
    await expect(listenForCli(deep, database.db)).rejects.toThrow("choose a shorter CLAIMLINK_DATA_DIR");
  });

  it("says the app does not answer when its socket is gone, and never opens the database itself", async () => {
    const other = mkdtempSync(path.join(tmpdir(), "claimlink-control-"));
    const db = await openDatabase({ driver: "pglite", dataDir: other, app: true });
    try {
      expect(existsSync(controlSocketPath(other))).toBe(false);
      const r = await cli(["users", "list"], { CLAIMLINK_DATA_DIR: other });
      expect(r.code).toBe(1);
      expect(r.err).toContain(`there is no control socket at ${controlSocketPath(other)}`);
      expect(r.err).toContain(`The app (pid ${process.pid}) holds the embedded database`);
    } finally {
      await db.close();
    }
  });
});

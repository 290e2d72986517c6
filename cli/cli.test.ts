import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { uniqueEmail } from "../lib/db/test-database";

// The CLI as an operator runs it: a child process, on the run's database (PostgreSQL when
// DATABASE_URL is set, else an embedded directory of its own).
const dataDir = mkdtempSync(path.join(tmpdir(), "claimlink-cli-"));

function cli(
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.resolve("node_modules/tsx/dist/cli.mjs"), "cli/index.ts", ...args], {
      env: { ...process.env, CLAIMLINK_DATA_DIR: dataDir, CLAIMLINK_PASSWORD: "", ...extraEnv },
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

// Each call starts a process that compiles the CLI; on a loaded two-core machine that is slow.
describe("npm run cli -- users", { timeout: 120_000 }, () => {
  it("adds an account non-interactively, lists it, disables and enables it", async () => {
    const email = uniqueEmail("cli");
    const add = await cli(["users", "add", email.toUpperCase(), "--name", "Cli Person", "--role", "staff"], password);
    expect(add.err).toBe("");
    expect(add.code).toBe(0);
    expect(add.out).toContain(`Created staff account ${email}`);

    const list = await cli(["users", "list"]);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(new RegExp(`${email.replace(/\./g, "\\.")}\\s+Cli Person\\s+staff\\s+active`));

    expect((await cli(["users", "disable", email])).out).toContain(`Disabled ${email}`);
    expect((await cli(["users", "list"])).out).toMatch(new RegExp(`${email.replace(/\./g, "\\.")}.*disabled`));
    expect((await cli(["users", "enable", email])).out).toContain(`Enabled ${email}`);
  });

  it("refuses a duplicate email (exit 1), a weak password and a bad email (exit 2)", async () => {
    const email = uniqueEmail("dup");
    expect((await cli(["users", "add", email, "--name", "A"], password)).code).toBe(0);
    const dup = await cli(["users", "add", email.toUpperCase(), "--name", "B"], password);
    expect(dup.code).toBe(1);
    expect(dup.err).toContain("already exists");

    const weak = await cli(["users", "add", uniqueEmail(), "--name", "C"], { CLAIMLINK_PASSWORD: "123456789" });
    expect(weak.code).toBe(2);
    expect(weak.err).toContain("at least 10 characters");

    const bad = await cli(["users", "add", "not-an-email", "--name", "D"], password);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("email");
  });

  it("without a terminal and without CLAIMLINK_PASSWORD, says how to give the password", async () => {
    const r = await cli(["users", "add", uniqueEmail(), "--name", "E"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("CLAIMLINK_PASSWORD");
  });

  it("prints usage for an unknown command, and names an unknown account", async () => {
    const usage = await cli(["users", "remove", "x@example.org"]);
    expect(usage.code).toBe(2);
    expect(usage.err).toContain("Usage: npm run cli");
    const missing = await cli(["users", "disable", uniqueEmail("nobody")]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("No account with the email");
  });

  it("keys reseal re-seals the secrets under the current key and says what it did", async () => {
    const r = await cli(["keys", "reseal"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Re-sealed \d+ secret\(s\) under key [0-9a-f]{8}/);
  });

  it.skipIf(!!process.env.DATABASE_URL)("never opens an embedded database another process holds", async () => {
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    try {
      writeFileSync(path.join(dataDir, "pglite.lock"), JSON.stringify({ pid: holder.pid, app: false, since: "" }));
      const r = await cli(["users", "list"]);
      expect(r.code).toBe(1);
      expect(r.err).toContain(`in use by process ${holder.pid}`);
      // A holder that says it is the app, but has no control socket: a clear message, no fallback.
      writeFileSync(path.join(dataDir, "pglite.lock"), JSON.stringify({ pid: holder.pid, app: true, since: "" }));
      const r2 = await cli(["users", "list"]);
      expect(r2.code).toBe(1);
      expect(r2.err).toContain("there is no control socket");
    } finally {
      holder.kill();
    }
  });
});

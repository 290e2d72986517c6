import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

// A second instance of the app for tests that need their own configuration (keys, TTLs) or a
// restart. It runs scripts/e2e-server.mjs like the suite's own server: on PostgreSQL it shares
// the run's database; on PGlite it has a data directory of its own (e2e/.tmp/data-<port>).

export type AppProcess = {
  base: string;
  port: number;
  stop(): Promise<void>;
  /** SIGKILL to the app and its launcher (a crash, an OOM kill): nothing is closed or flushed. */
  kill(): Promise<void>;
};

export async function startApp(
  port: number,
  env: Record<string, string>,
  o: { keepData?: boolean; startSeconds?: number } = {},
) {
  const child: ChildProcess = spawn(process.execPath, [path.resolve("scripts/e2e-server.mjs")], {
    env: {
      ...process.env,
      E2E_PORT: String(port),
      E2E_EXTRA_ENV: JSON.stringify(env),
      ...(o.keepData ? { E2E_KEEP_DATA: "1" } : {}),
    },
    stdio: process.env.E2E_APP_LOG ? "inherit" : "ignore",
  });
  const base = `http://localhost:${port}`;
  for (let i = 0; ; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > (o.startSeconds ?? 30) * 10 || child.exitCode !== null)
      throw new Error(`the app on port ${port} did not start`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  const kill = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      // The app is the launcher's child (scripts/e2e-server.mjs): kill it, and the launcher, which
      // reaps it, exits too. No process is left behind, not even as a zombie.
      const children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, "utf8").trim().split(/\s+/);
      for (const pid of children.filter(Boolean)) process.kill(Number(pid), "SIGKILL");
    });
  return { base, port, stop, kill } satisfies AppProcess;
}

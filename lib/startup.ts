import { env } from "./env";
import { transportWarnings } from "./http/transport";

/**
 * Runs once when the server starts (instrumentation.ts): reads the configuration so a missing
 * or invalid setting stops the process with its message, before any request is taken.
 */
export function checkConfigurationAtStart(): void {
  let e;
  try {
    e = env();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
  for (const line of transportWarnings(e.publicUrl, e.NODE_ENV)) console.warn(line);
}

const controlStarted = Symbol.for("claimlink.control-socket");

/**
 * On the embedded database, opens it (taking its lock) and listens on the data directory's
 * control socket for the CLI. A failure is logged: the app still serves, and the CLI says that
 * the app does not answer.
 */
export async function startControlChannel(): Promise<void> {
  const e = env();
  const g = globalThis as typeof globalThis & { [controlStarted]?: boolean };
  if (e.DATABASE_URL || g[controlStarted]) return;
  g[controlStarted] = true;
  try {
    const { appDatabase } = await import("./db/client");
    const { listenForCli, controlSocketPath } = await import("./cli/control-socket");
    const database = await appDatabase();
    await listenForCli(e.dataDir, database.db);
    console.log(`[cli] control socket ${controlSocketPath(e.dataDir)} (mode 0600)`);
  } catch (err) {
    g[controlStarted] = false;
    console.error(`[cli] no control socket: ${(err as Error).message}`);
  }
}

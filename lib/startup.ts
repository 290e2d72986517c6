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

import { env } from "./env";

/** Whether the in-browser device emulator is offered (CLAIMLINK_EMULATOR, see docs/configuration.md). */
export function emulatorEnabled(): boolean {
  return env().emulatorEnabled;
}

import { env } from "../env";
import type { FirmwareKey } from "./keys";

/** What the firmware use cases need from the configuration (tests pass their own). */
export type FirmwareConfig = {
  /** CLAIMLINK_FIRMWARE_KEYS: an upload must verify under one of them; none refuses every upload. */
  keys: FirmwareKey[];
  /** CLAIMLINK_FIRMWARE_MAX_BYTES: the largest image accepted. */
  maxBytes: number;
};

export function firmwareConfig(): FirmwareConfig {
  const e = env();
  return { keys: e.firmwareKeys, maxBytes: e.CLAIMLINK_FIRMWARE_MAX_BYTES };
}

/** Bytes per row of `firmware_chunks`: a download reads one row at a time, so this bounds its memory. */
export const FIRMWARE_CHUNK_BYTES = 256 * 1024;

import { env } from "../env";
import { provisioningConfig } from "./config";
import { firmwareKeysForStaff, keysForStaff } from "./published-keys";

// What staff read of the protocol's configuration (docs/protocol.md section 6).

/** The server's signing keys with their fingerprints, for the staff page firmware authors copy them from. */
export function serverKeysForStaff() {
  const cfg = provisioningConfig();
  return { claimUrl: cfg.claimUrl, keys: keysForStaff(cfg), firmwareKeys: firmwareKeysForStaff(env().firmwareKeys) };
}

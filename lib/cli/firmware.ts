import { createHash } from "node:crypto";
import { closeSync, openSync, readFileSync, readSync, statSync, writeFileSync } from "node:fs";
import { parseVersion } from "../../device/firmware-update";
import { MODEL_PATTERN } from "../models/schemas";
import { parseFirmwareKeys, type FirmwareKey } from "../firmware/keys";
import { firmwarePublicKeyOf, generateFirmwareKey, signFirmware, verifyFirmware } from "../firmware/sign";
import type { CliResult } from "./commands";

// `npm run cli -- firmware keygen|sign|verify`: the firmware key holder's commands (docs/cli.md),
// meant for an offline machine. None reads the configuration or the database.

const ok = (lines: string[]): CliResult => ({ exitCode: 0, lines });
const refused = (line: string): CliResult => ({ exitCode: 1, lines: [line] });
const usage = (line: string): CliResult => ({ exitCode: 2, lines: [line] });

/** Writes a new private key to `out` (mode 0600, never over an existing file); prints the public key and kid. */
export function firmwareKeygen(out: string): CliResult {
  const key = generateFirmwareKey();
  try {
    writeFileSync(out, `${key.privateKey}\n`, { mode: 0o600, flag: "wx" });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return refused(
      code === "EEXIST" ? `${out} exists; refusing to overwrite a key.` : `Cannot write ${out} (${code}).`,
    );
  }
  return ok([
    `New firmware key ${key.kid}`,
    `  public key: ${key.publicKey}`,
    `  private key: written to ${out} (mode 0600). Keep it offline: whoever holds it can sign firmware every device runs.`,
    "",
    "Pin the public key in the firmware, and give it to the server (it checks uploads against it):",
    `  CLAIMLINK_FIRMWARE_KEYS="${key.publicKey}"   (comma-separated, to keep older keys)`,
  ]);
}

function readPrivateKey(file: string): string {
  const text = readFileSync(file, "utf8").trim();
  firmwarePublicKeyOf(text); // throws with the reason when it is not a key
  return text;
}

type Manifest = { model: string; version: string; image: string };

function checkManifest(m: Manifest): CliResult | null {
  if (!MODEL_PATTERN.test(m.model))
    return usage(`The model "${m.model}" is not a device model id (lower-case letters, digits, dashes).`);
  if (!parseVersion(m.version))
    return usage(`The version "${m.version}" is not MAJOR.MINOR.PATCH[-pre-release] (docs/protocol.md section 7).`);
  return null;
}

function manifestOf(m: Manifest) {
  const image = readFileSync(m.image);
  return {
    model: m.model,
    version: m.version,
    size: image.length,
    sha256: createHash("sha256").update(image).digest("hex"),
  };
}

/** Prints firmwareSig of the image, model and version under the key in `keyFile`. */
export function firmwareSign(keyFile: string, m: Manifest): CliResult {
  const bad = checkManifest(m);
  if (bad) return bad;
  let key: string;
  try {
    key = readPrivateKey(keyFile);
  } catch (err) {
    return refused(`${keyFile}: ${(err as Error).message}`);
  }
  const manifest = manifestOf(m);
  if (manifest.size === 0) return refused(`${m.image} is empty.`);
  const mode = statSync(keyFile).mode & 0o777;
  // On stderr: stdout is the signature alone, for scripts.
  if (mode & 0o077)
    process.stderr.write(`warning: ${keyFile} may be read by others (mode ${mode.toString(8).padStart(4, "0")}).\n`);
  return ok([signFirmware(key, manifest)]);
}

/** Whether `sig` verifies over the image, model and version under one of the public keys. */
export function firmwareVerify(publicKeys: string, sig: string, m: Manifest): CliResult {
  const bad = checkManifest(m);
  if (bad) return bad;
  let keys: FirmwareKey[];
  try {
    keys = parseFirmwareKeys(publicKeys);
  } catch (err) {
    return usage(`The public keys: ${(err as Error).message}.`);
  }
  if (keys.length === 0) return usage("Give a public key with --pub or --keys.");
  const manifest = manifestOf(m);
  const key = verifyFirmware(keys, manifest, sig);
  if (!key)
    return refused(
      `The signature does not verify under ${keys.map((k) => k.kid).join(", ")} for ${m.model} ${m.version}, ` +
        `${manifest.size} bytes, SHA-256 ${manifest.sha256}.`,
    );
  return ok([
    `Verified: ${m.model} ${m.version}, ${manifest.size} bytes, SHA-256 ${manifest.sha256}, signed by firmware key ${key.kid}.`,
  ]);
}

/** At most `max` + 1 bytes of a file: enough for the upload to refuse a larger one without reading it all. */
export function readUpTo(file: string, max: number): Uint8Array {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(Math.min(statSync(file).size, max + 1));
    let at = 0;
    while (at < buf.length) {
      const n = readSync(fd, buf, at, buf.length - at, at);
      if (n === 0) break;
      at += n;
    }
    return new Uint8Array(buf.subarray(0, at));
  } finally {
    closeSync(fd);
  }
}

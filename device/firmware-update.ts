// (1.2) Firmware updates on the device side, docs/protocol.md section 7, written from the
// specification alone like device/protocol.ts: the signed text and its key id, the version
// order, the device's ordered checks 1 to 4, and the image's streaming hash with resume.
// Pure: node:crypto only, no I/O; the caller downloads, stores and reboots.
import { createHash, verify, type Hash } from "node:crypto";
import { pinKey, type PinnedKey } from "./protocol";

/** The refusal codes a device reports in `detail` ("<code>: ..."), section 7. */
export type FirmwareFailure =
  "wrong_model" | "bad_signature" | "downgrade" | "too_large" | "hash_mismatch" | "download_failed" | "rolled_back";

/** params of an `update_firmware` command, as the server sends them. */
export type UpdateParams = {
  model: string;
  version: string;
  size: number;
  sha256: string;
  kid: string;
  sig: string;
  url: string;
};

export type Version = { major: number; minor: number; patch: number; pre: string[] };

const PART = "(0|[1-9][0-9]{0,4})";
const VERSION_RE = new RegExp(`^${PART}\\.${PART}\\.${PART}(?:-([0-9A-Za-z.]{1,32}))?$`);
const VERSION_MAX = 65535;

/**
 * `MAJOR.MINOR.PATCH[-pre]` of section 7: decimal without leading zeros, each at most 65535,
 * pre-release `[0-9A-Za-z.]{1,32}`. Also refuses what Semantic Versioning 2.0 cannot order:
 * an empty pre-release identifier ("1.0.0-a..b") or a numeric one with a leading zero
 * ("1.0.0-01"). Null when the text is not such a version.
 */
export function parseVersion(text: string): Version | null {
  const m = VERSION_RE.exec(text);
  if (!m) return null;
  const [major, minor, patch] = [m[1], m[2], m[3]].map(Number);
  if (major > VERSION_MAX || minor > VERSION_MAX || patch > VERSION_MAX) return null;
  const pre = m[4] === undefined ? [] : m[4].split(".");
  if (pre.some((id) => id === "" || /^0[0-9]+$/.test(id))) return null;
  return { major, minor, patch, pre };
}

function compareIdentifiers(a: string, b: string): number {
  const an = /^[0-9]+$/.test(a);
  const bn = /^[0-9]+$/.test(b);
  // SemVer 2.0 §11.4: numeric identifiers compare as numbers (no leading zeros, so by length
  // first: up to 32 digits, beyond Number's precision) and below alphanumeric ones, which
  // compare in ASCII order.
  if (an && bn) return a.length !== b.length ? Math.sign(a.length - b.length) : a < b ? -1 : a > b ? 1 : 0;
  if (an !== bn) return an ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** -1, 0 or 1 as `a` orders below, equal to or above `b` (Semantic Versioning 2.0, §11). */
export function compareVersions(a: Version, b: Version): number {
  for (const k of ["major", "minor", "patch"] as const) if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  // A pre-release orders below its release.
  if (a.pre.length === 0 || b.pre.length === 0) return a.pre.length === b.pre.length ? 0 : a.pre.length ? -1 : 1;
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const c = compareIdentifiers(a.pre[i], b.pre[i]);
    if (c) return c;
  }
  return Math.sign(a.pre.length - b.pre.length);
}

/** firmwareSigned of section 7. */
export function firmwareSigned(p: { model: string; version: string; size: number; sha256: string }): string {
  return ["claimlink/1 firmware", p.model, p.version, p.size, p.sha256].join("\n");
}

/** firmwareKid: hex of the first 8 bytes of SHA-256 of the 65-byte key (the same rule as section 6). */
export function firmwareKid(publicKeyB64url: string): string {
  return pinKey(publicKeyB64url).kid;
}

/** The firmware keys pinned in this firmware (base64url, 65 bytes each). */
export function pinFirmwareKeys(publicKeys: string[]): PinnedKey[] {
  return publicKeys.map(pinKey);
}

/** True only when `sig` (b64url of r || s) is a pinned key's signature of `signed` named by `kid`. */
export function verifyFirmwareSignature(keys: PinnedKey[], kid: string, sig: string, signed: string): boolean {
  const key = keys.find((k) => k.kid === kid);
  if (!key || !/^[A-Za-z0-9_-]{86}$/.test(sig)) return false;
  const raw = Buffer.from(sig, "base64url");
  // Strict base64url, as the C client decodes it: one text per signature, no stray trailing bits.
  if (raw.length !== 64 || raw.toString("base64url") !== sig) return false;
  try {
    return verify("sha256", Buffer.from(signed), { key: key.key, dsaEncoding: "ieee-p1363" }, raw);
  } catch {
    return false;
  }
}

export type DeviceFirmware = {
  /** The device's model, as in its session start (section 1). */
  model: string;
  /** The version it runs now; must itself be a section 7 version. */
  running: string;
  /** The firmware keys pinned in its current firmware. */
  keys: PinnedKey[];
  /** Bytes its update partition holds. */
  partitionBytes: number;
};

export type CheckResult = { ok: true; params: UpdateParams } | { ok: false; code: FirmwareFailure; detail: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The device's checks 1 to 4 of section 7, in order, on a command's `params`: the model, then
 * the signature by a pinned firmware key over firmwareSigned (params that cannot make that text
 * are unsigned: bad_signature), then the version order, then the size. The first that fails
 * gives the code to acknowledge; the download (check 5) comes only after all pass.
 */
export function checkUpdate(device: DeviceFirmware, params: unknown): CheckResult {
  const fail = (code: FirmwareFailure, detail: string): CheckResult => ({ ok: false, code, detail });
  const running = parseVersion(device.running);
  if (!running) throw new Error(`this device's own version ${JSON.stringify(device.running)} is not a version`);
  const p = isObject(params) ? params : {};
  if (p.model !== device.model) return fail("wrong_model", `this device is a ${device.model}`);
  const { version, size, sha256, kid, sig, url } = p;
  if (
    typeof version !== "string" ||
    version.length > 64 ||
    /[\n\r]/.test(version) ||
    typeof size !== "number" ||
    !Number.isSafeInteger(size) ||
    size < 0 ||
    typeof sha256 !== "string" ||
    !/^[0-9a-f]{64}$/.test(sha256) ||
    typeof kid !== "string" ||
    typeof sig !== "string"
  )
    return fail("bad_signature", "the parameters do not make a signed text");
  if (!device.keys.some((k) => k.kid === kid))
    return fail("bad_signature", `no pinned firmware key ${kid.slice(0, 16)}`);
  const signed = firmwareSigned({ model: device.model, version, size, sha256 });
  if (!verifyFirmwareSignature(device.keys, kid, sig, signed))
    return fail("bad_signature", "the signature does not verify with the pinned firmware key");
  const target = parseVersion(version);
  if (!target || compareVersions(target, running) <= 0)
    return fail("downgrade", `${version} does not order above the running ${device.running}`);
  if (size > device.partitionBytes)
    return fail("too_large", `${size} bytes do not fit the ${device.partitionBytes}-byte update partition`);
  if (typeof url !== "string" || url.length === 0) return fail("download_failed", "the command names no image URL");
  return { ok: true, params: { model: device.model, version, size, sha256, kid, sig, url } };
}

/**
 * The image as it is written (check 5): exactly `size` bytes hashed in order. After an
 * interruption, `resumeFrom(written)` re-hashes what the partition already holds and the
 * download goes on from `offset` with `Range: bytes=<offset>-`.
 */
export class ImageHash {
  private hash: Hash = createHash("sha256");
  private written = 0;

  constructor(
    readonly size: number,
    readonly sha256: string,
  ) {}

  get offset(): number {
    return this.written;
  }

  /** The Range header that fetches the rest, or null when nothing is missing. */
  rangeHeader(): string | null {
    return this.written < this.size ? `bytes=${this.written}-${this.size - 1}` : null;
  }

  /** Starts again from bytes already stored (what a partition kept across a cut). */
  resumeFrom(stored: Uint8Array): void {
    this.hash = createHash("sha256");
    this.written = 0;
    this.update(stored);
  }

  /** Throws when the bytes would pass `size`: a server or mirror that sends more is wrong. */
  update(chunk: Uint8Array): void {
    if (this.written + chunk.length > this.size) throw new Error("more bytes than the signed size");
    this.hash.update(chunk);
    this.written += chunk.length;
  }

  /** null when all `size` bytes hash to params.sha256, else the failure to report. */
  finish(): FirmwareFailure | null {
    if (this.written !== this.size) return "download_failed";
    return this.hash.digest("hex") === this.sha256 ? null : "hash_mismatch";
  }
}

/** The acknowledgement of section 7: `failed` with "<code>: why", and the version now running. */
export function updateFailedAck(code: FirmwareFailure, detail: string, running?: string) {
  return {
    status: "failed" as const,
    detail: `${code}: ${detail}`.slice(0, 200),
    ...(running ? { firmware: running } : {}),
  };
}

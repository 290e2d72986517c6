import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { parseSigningKeys } from "./crypto/server-keys";
import { keyringOf, type Keyring } from "./crypto/seal";
import { secureDataDir } from "./db/data-dir";
import { generateSigningKey, type ServerKey } from "./crypto/server-signature";
import { parseFirmwareKeys, type FirmwareKey } from "./firmware/keys";

// The one reader of process.env. Every setting has a default that suits the embedded
// database; docs/configuration.md lists them all.

/** The margin NONCE_MEMORY keeps beyond 2 × SKEW. */
export const NONCE_MARGIN_SECONDS = 60;
const splitKeys = (s: string) => s.split(/[\s,]+/).filter(Boolean);
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
/** The most CLAIMLINK_FIRMWARE_MAX_BYTES may be: far above any microcontroller's update partition. */
const FIRMWARE_MAX_BYTES_LIMIT = 256 * 1024 * 1024;

const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
      .optional(),
    CLAIMLINK_DATA_DIR: z.string().min(1).default(".data"),
    PORT: positiveInt(3000),
    HOST: z.string().min(1).default("127.0.0.1"),
    CLAIMLINK_PUBLIC_URL: z.url().optional(),
    AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    CLAIMLINK_TRUSTED_PROXIES: z.coerce.number().int().min(0).max(10).default(0),
    CLAIMLINK_SESSION_DAYS: positiveInt(30),
    // The language of a person whose account and browser name neither of ours (docs/i18n.md).
    CLAIMLINK_DEFAULT_LOCALE: z.enum(["en", "nl"]).default("en"),
    CLAIMLINK_SIGNIN_MAX_FAILURES: positiveInt(10),
    CLAIMLINK_SIGNIN_WINDOW_SECONDS: positiveInt(900),
    // docs/decisions/0007-sign-in-limits.md: per account and address (above), per address, per account.
    CLAIMLINK_SIGNIN_IP_MAX_FAILURES: positiveInt(50),
    CLAIMLINK_SIGNIN_ACCOUNT_MAX_FAILURES: positiveInt(100),
    CLAIMLINK_SIGNIN_ACCOUNT_WINDOW_SECONDS: positiveInt(3600),
    // Wrong invitation and reset tokens per address in 10 minutes before refusing.
    CLAIMLINK_LINK_FAILURES_PER_IP: positiveInt(30),
    CLAIMLINK_STAFF_2FA: z.enum(["required", "optional"]).optional(),
    CLAIMLINK_SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
      .optional(),
    CLAIMLINK_MAIL_FROM: z.string().min(3).max(200).optional(),
    CLAIMLINK_INVITATION_DAYS: positiveInt(7),
    CLAIMLINK_PASSWORD: z.string().optional(),
    // The sealing keys, base64 32 bytes each, separated by commas or spaces: the first seals,
    // every one opens (rotation: put the new key first, run `npm run cli -- keys reseal`).
    CLAIMLINK_SECRET_KEY: z
      .string()
      .refine(
        (s) => splitKeys(s).every((k) => Buffer.from(k, "base64").length === 32),
        "must be one or more keys of 32 bytes in base64, separated by commas",
      )
      .optional(),
    // docs/protocol.md "Timing constants" and the provisioning limits.
    CLAIMLINK_POP_STEP_SECONDS: positiveInt(30),
    CLAIMLINK_SESSION_TTL_SECONDS: positiveInt(900),
    CLAIMLINK_ONLINE_WINDOW_SECONDS: positiveInt(35),
    CLAIMLINK_CLAIM_TIMEOUT_SECONDS: positiveInt(30),
    CLAIMLINK_MAX_POP_FAILURES: positiveInt(5),
    CLAIMLINK_MAX_SESSION_POP_FAILURES: positiveInt(20),
    CLAIMLINK_COMMAND_TTL_SECONDS: positiveInt(86_400),
    // docs/protocol.md section 6: the server's signing keys (lib/crypto/server-keys.ts).
    CLAIMLINK_SIGNING_KEYS: z.string().optional(),
    CLAIMLINK_SKEW_SECONDS: positiveInt(300),
    // At least 2 × SKEW + NONCE_MARGIN_SECONDS (checked below).
    CLAIMLINK_NONCE_MEMORY_SECONDS: positiveInt(660),
    CLAIMLINK_CLAIMS_PER_HOUR: positiveInt(30),
    CLAIMLINK_SESSION_STARTS_PER_MINUTE: positiveInt(30),
    CLAIMLINK_DEVICES_PER_ACCOUNT: positiveInt(25),
    CLAIMLINK_MEASUREMENT_BATCHES_PER_MINUTE: positiveInt(60),
    // The measurement interval an owner may choose from the device page (staff are not bound by it).
    CLAIMLINK_OWNER_INTERVAL_MIN_SECONDS: positiveInt(60),
    CLAIMLINK_OWNER_INTERVAL_MAX_SECONDS: positiveInt(3600),
    // A device silent this long gets its owner one notice per outage (lib/devices/notices.ts).
    CLAIMLINK_SILENCE_NOTICE_HOURS: positiveInt(24),
    // docs/legacy-ingest.md: unsigned requests per hardware id and per client address.
    CLAIMLINK_LEGACY_REQUESTS_PER_NODE_PER_MINUTE: positiveInt(6),
    CLAIMLINK_LEGACY_REQUESTS_PER_ADDRESS_PER_MINUTE: positiveInt(120),
    // docs/integrations.md: requests one API token may make per minute.
    CLAIMLINK_TOKEN_REQUESTS_PER_MINUTE: positiveInt(120),
    // lib/housekeeping: how often it runs, and how long measurements are kept (unset: forever).
    CLAIMLINK_HOUSEKEEPING_MINUTES: positiveInt(60),
    CLAIMLINK_MEASUREMENT_RETENTION_DAYS: z.coerce.number().int().positive().optional(),
    // lib/firmware/rollouts/engine.ts: how often each process advances the running firmware rollouts.
    CLAIMLINK_ROLLOUT_TICK_SECONDS: positiveInt(30),
    // lib/studies/erasure.ts: readings deleted per transaction when a participant's data is erased.
    CLAIMLINK_ERASURE_BATCH_ROWS: positiveInt(20_000),
    CLAIMLINK_EMULATOR: z.enum(["on", "off"]).optional(),
    // docs/integrations.md "Webhooks": loopback destinations (and plain http to them) for a
    // receiver on this machine; on by default in development only. The e2e server sets it.
    CLAIMLINK_WEBHOOK_LOOPBACK: z.enum(["on", "off"]).optional(),
    // How often each process looks for due deliveries, the first retry's delay (doubling, with
    // jitter, up to the maximum), and how long a subscription may fail before it is disabled.
    CLAIMLINK_WEBHOOK_POLL_SECONDS: positiveInt(5),
    CLAIMLINK_WEBHOOK_RETRY_BASE_SECONDS: positiveInt(30),
    CLAIMLINK_WEBHOOK_RETRY_MAX_SECONDS: positiveInt(3600),
    CLAIMLINK_WEBHOOK_DISABLE_AFTER_SECONDS: positiveInt(86_400),
    // docs/protocol.md section 7: the public firmware keys uploads must be signed by (lib/firmware/keys.ts),
    // the largest image accepted, and a mirror or CDN devices fetch images from instead of this app.
    CLAIMLINK_FIRMWARE_KEYS: z.string().optional(),
    CLAIMLINK_FIRMWARE_MAX_BYTES: positiveInt(4 * 1024 * 1024).pipe(
      z.number().max(FIRMWARE_MAX_BYTES_LIMIT, `must be at most ${FIRMWARE_MAX_BYTES_LIMIT} (256 MiB)`),
    ),
    CLAIMLINK_FIRMWARE_BASE_URL: z
      .url()
      .regex(/^https?:\/\//, "must be an http:// or https:// URL")
      .optional(),
  })
  .superRefine((e, ctx) => {
    if (e.CLAIMLINK_OWNER_INTERVAL_MIN_SECONDS > e.CLAIMLINK_OWNER_INTERVAL_MAX_SECONDS)
      ctx.addIssue({
        code: "custom",
        path: ["CLAIMLINK_OWNER_INTERVAL_MIN_SECONDS"],
        message: "must not be more than CLAIMLINK_OWNER_INTERVAL_MAX_SECONDS",
      });
    // A request is accepted while its timestamp is within SKEW of the app's clock, so for 2 × SKEW
    // on a clock that is SKEW behind; its nonce must be remembered that long, with a margin for
    // clock differences between app processes (docs/protocol.md "Timing constants").
    const least = 2 * e.CLAIMLINK_SKEW_SECONDS + NONCE_MARGIN_SECONDS;
    if (e.CLAIMLINK_NONCE_MEMORY_SECONDS < least)
      ctx.addIssue({
        code: "custom",
        path: ["CLAIMLINK_NONCE_MEMORY_SECONDS"],
        message: `must be at least 2 × CLAIMLINK_SKEW_SECONDS + ${NONCE_MARGIN_SECONDS} = ${least}`,
      });
  });

export type Env = z.infer<typeof envSchema> & {
  publicUrl: string;
  authSecret: string;
  /**
   * AES-256-GCM keys for secrets at rest (CLAIMLINK_SECRET_KEY, or one generated locally): pass
   * it to `seal`/`open` of lib/crypto/seal.ts.
   */
  secretKey: Keyring;
  /** The server's signing keys: CLAIMLINK_SIGNING_KEYS, or one generated locally as `current`. */
  signingKeys: ServerKey[];
  /** The public firmware keys of CLAIMLINK_FIRMWARE_KEYS (none when unset: uploads are refused). */
  firmwareKeys: FirmwareKey[];
  /** The CLI's non-interactive password (CLAIMLINK_PASSWORD). */
  cliPassword: string | undefined;
  dataDir: string;
  databaseDriver: "postgres" | "pglite";
  /** The /emulator page: CLAIMLINK_EMULATOR, else on in development and on the embedded database. */
  emulatorEnabled: boolean;
  /** Staff accounts must switch on two-factor sign-in (CLAIMLINK_STAFF_2FA; default: in production). */
  staffTwoFactorRequired: boolean;
  /** The sender of mail, when CLAIMLINK_SMTP_URL is set. */
  mailFrom: string;
  /** Webhooks may go to loopback addresses, over http too (CLAIMLINK_WEBHOOK_LOOPBACK; default: in development). */
  webhookLoopback: boolean;
};

type LocalSecrets = { authSecret: string; secretKey: string; signingKey: string };

/**
 * Secrets the embedded default generates on first run and keeps in the data directory, so a
 * restart keeps sessions valid. The file is created with mode 0600, and an existing file that
 * others may read is set back to 0600 with a warning.
 */
export function loadLocalSecrets(dataDir: string): LocalSecrets {
  secureDataDir(dataDir);
  const file = path.join(dataDir, "secrets.json");
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) {
      chmodSync(file, 0o600);
      console.warn(
        `[config] ${file} was readable by others (mode ${mode.toString(8).padStart(4, "0")}); its mode is now 0600.`,
      );
    }
  }
  const existing: Partial<LocalSecrets> = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  const secrets: LocalSecrets = {
    authSecret: existing.authSecret ?? randomBytes(32).toString("base64url"),
    secretKey: existing.secretKey ?? randomBytes(32).toString("base64"),
    signingKey: existing.signingKey ?? generateSigningKey().privateScalar.toString("base64url"),
  };
  // Only fill in what is missing: an existing secret is never replaced.
  if (Object.keys(secrets).some((k) => !existing[k as keyof LocalSecrets])) {
    try {
      // "wx" on a first run: of two processes starting together, one writes and the other reads.
      writeFileSync(file, JSON.stringify(secrets, null, 2) + "\n", {
        mode: 0o600,
        flag: existsSync(file) ? "w" : "wx",
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EEXIST") return loadLocalSecrets(dataDir);
      throw err;
    }
    chmodSync(file, 0o600);
  }
  return secrets;
}

/** What each deployment key is, and how to make one (the refusal to start without them says so). */
const REQUIRED_ON_POSTGRES = [
  ["AUTH_SECRET", "signs sign-in sessions", "openssl rand -base64 32"],
  ["CLAIMLINK_SECRET_KEY", "seals device secrets at rest", "openssl rand -base64 32"],
  ["CLAIMLINK_SIGNING_KEYS", "signs every answer to a device", "npm run cli -- keys create"],
] as const;

/**
 * On PostgreSQL every host must share the keys, and a key generated into a local directory is
 * lost with a container's filesystem (every sealed credential would stop opening): refuse to start.
 */
function requireDeploymentKeys(e: z.infer<typeof envSchema>) {
  if (!e.DATABASE_URL) return;
  const missing = REQUIRED_ON_POSTGRES.filter(([name]) => !e[name]);
  if (missing.length === 0) return;
  throw new Error(
    [
      `Invalid configuration: on PostgreSQL (DATABASE_URL is set) these keys must be set, the same on every host:`,
      ...missing.map(([name, what, how]) => `  ${name}: ${what}; make one with \`${how}\``),
      `Keep them with the database's credentials; losing CLAIMLINK_SECRET_KEY makes every device provision again.`,
    ].join("\n"),
  );
}

/** The configuration of an environment (process.env by default); throws with every problem listed. */
export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  // A variable set to the empty string counts as unset (as in `DATABASE_URL= npm start`).
  const given = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ""));
  const parsed = envSchema.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  requireDeploymentKeys(e);
  const dataDir = path.resolve(e.CLAIMLINK_DATA_DIR);
  // On PostgreSQL every key comes from the environment (requireDeploymentKeys), so nothing is
  // generated into a directory that another host or a new container would not have.
  const local = e.DATABASE_URL ? null : loadLocalSecrets(dataDir);
  let signingKeys: ServerKey[];
  try {
    signingKeys = parseSigningKeys(e.CLAIMLINK_SIGNING_KEYS, local?.signingKey ?? null);
  } catch (err) {
    throw new Error(`Invalid configuration:\n  CLAIMLINK_SIGNING_KEYS: ${(err as Error).message}`, { cause: err });
  }
  let firmwareKeys: FirmwareKey[];
  try {
    firmwareKeys = parseFirmwareKeys(e.CLAIMLINK_FIRMWARE_KEYS);
  } catch (err) {
    throw new Error(`Invalid configuration:\n  CLAIMLINK_FIRMWARE_KEYS: ${(err as Error).message}`, { cause: err });
  }
  const publicUrl = (e.CLAIMLINK_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, "");
  return {
    ...e,
    dataDir,
    databaseDriver: e.DATABASE_URL ? "postgres" : "pglite",
    // On where people try Claimlink (development, and the embedded database `npm start` uses),
    // off on a PostgreSQL deployment unless asked for. It grants nothing: it is a device in a
    // browser tab, and anyone can already start a provisioning session as a device.
    emulatorEnabled: e.CLAIMLINK_EMULATOR
      ? e.CLAIMLINK_EMULATOR === "on"
      : e.NODE_ENV === "development" || !e.DATABASE_URL,
    staffTwoFactorRequired: e.CLAIMLINK_STAFF_2FA ? e.CLAIMLINK_STAFF_2FA === "required" : e.NODE_ENV === "production",
    webhookLoopback: e.CLAIMLINK_WEBHOOK_LOOPBACK
      ? e.CLAIMLINK_WEBHOOK_LOOPBACK === "on"
      : e.NODE_ENV === "development",
    mailFrom: e.CLAIMLINK_MAIL_FROM ?? `Claimlink <claimlink@${new URL(publicUrl).hostname}>`,
    publicUrl,
    authSecret: e.AUTH_SECRET ?? local!.authSecret,
    cliPassword: e.CLAIMLINK_PASSWORD || undefined,
    secretKey: keyringOf(splitKeys(e.CLAIMLINK_SECRET_KEY ?? local!.secretKey).map((k) => Buffer.from(k, "base64"))),
    signingKeys,
    firmwareKeys,
  };
}

let cached: Env | undefined;

/** The validated configuration; throws with every problem listed when it is invalid. */
export function env(): Env {
  cached ??= readEnv();
  return cached;
}

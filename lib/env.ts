import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

// The one reader of process.env. Every setting has a default that suits the embedded
// database; README.md "Configuration" lists them all.

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL").optional(),
  CLAIMLINK_DATA_DIR: z.string().min(1).default(".data"),
  PORT: positiveInt(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  CLAIMLINK_PUBLIC_URL: z.url().optional(),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  CLAIMLINK_TRUSTED_PROXIES: z.coerce.number().int().min(0).max(10).default(0),
  CLAIMLINK_SESSION_DAYS: positiveInt(30),
  CLAIMLINK_SIGNIN_MAX_FAILURES: positiveInt(10),
  CLAIMLINK_SIGNIN_WINDOW_SECONDS: positiveInt(900),
  CLAIMLINK_INVITATION_DAYS: positiveInt(7),
  CLAIMLINK_PASSWORD: z.string().optional(),
  CLAIMLINK_SECRET_KEY: z
    .string()
    .refine((s) => Buffer.from(s, "base64").length === 32, "must be 32 bytes in base64")
    .optional(),
  // PROTOCOL.md "Timing constants" and the provisioning limits.
  CLAIMLINK_POP_STEP_SECONDS: positiveInt(30),
  CLAIMLINK_SESSION_TTL_SECONDS: positiveInt(900),
  CLAIMLINK_ONLINE_WINDOW_SECONDS: positiveInt(35),
  CLAIMLINK_CLAIM_TIMEOUT_SECONDS: positiveInt(30),
  CLAIMLINK_MAX_POP_FAILURES: positiveInt(5),
  CLAIMLINK_SKEW_SECONDS: positiveInt(300),
  CLAIMLINK_NONCE_MEMORY_SECONDS: positiveInt(600),
  CLAIMLINK_CLAIMS_PER_HOUR: positiveInt(30),
  CLAIMLINK_SESSION_STARTS_PER_MINUTE: positiveInt(30),
  CLAIMLINK_DEVICES_PER_ACCOUNT: positiveInt(25),
  CLAIMLINK_EMULATOR: z.enum(["on", "off"]).optional(),
});

export type Env = z.infer<typeof envSchema> & {
  publicUrl: string;
  authSecret: string;
  cliToken: string;
  /** AES-256-GCM key for device secrets at rest (CLAIMLINK_SECRET_KEY, or generated locally). */
  secretKey: Buffer;
  /** The CLI's non-interactive password (CLAIMLINK_PASSWORD). */
  cliPassword: string | undefined;
  dataDir: string;
  databaseDriver: "postgres" | "pglite";
  /** The /emulator page: on by default in development and on the embedded database. */
  emulatorEnabled: boolean;
};

type LocalSecrets = { authSecret: string; cliToken: string; secretKey: string };

/**
 * Secrets the embedded default generates on first run and keeps in the data directory, so a
 * restart keeps sessions valid. The file is created with mode 0600.
 */
function loadLocalSecrets(dataDir: string): LocalSecrets {
  const file = path.join(dataDir, "secrets.json");
  const existing: Partial<LocalSecrets> = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  const secrets: LocalSecrets = {
    authSecret: existing.authSecret ?? randomBytes(32).toString("base64url"),
    cliToken: existing.cliToken ?? randomBytes(32).toString("base64url"),
    secretKey: existing.secretKey ?? randomBytes(32).toString("base64"),
  };
  // Only fill in what is missing: an existing secret is never replaced.
  if (Object.keys(secrets).some((k) => !existing[k as keyof LocalSecrets])) {
    mkdirSync(dataDir, { recursive: true });
    try {
      // "wx" on a first run: of two processes starting together, one writes and the other reads.
      writeFileSync(file, JSON.stringify(secrets, null, 2) + "\n", { mode: 0o600, flag: existsSync(file) ? "w" : "wx" });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EEXIST") return loadLocalSecrets(dataDir);
      throw err;
    }
    chmodSync(file, 0o600);
  }
  return secrets;
}

function readEnv(): Env {
  // A variable set to the empty string counts as unset (as in `DATABASE_URL= npm start`).
  const given = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== ""));
  const parsed = envSchema.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.CLAIMLINK_DATA_DIR);
  const local = loadLocalSecrets(dataDir);
  return {
    ...e,
    dataDir,
    databaseDriver: e.DATABASE_URL ? "postgres" : "pglite",
    emulatorEnabled: e.CLAIMLINK_EMULATOR ? e.CLAIMLINK_EMULATOR === "on" : e.NODE_ENV === "development" || !e.DATABASE_URL,
    publicUrl: (e.CLAIMLINK_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ""),
    authSecret: e.AUTH_SECRET ?? local.authSecret,
    cliToken: local.cliToken,
    cliPassword: e.CLAIMLINK_PASSWORD || undefined,
    secretKey: Buffer.from(e.CLAIMLINK_SECRET_KEY ?? local.secretKey, "base64"),
  };
}

let cached: Env | undefined;

/** The validated configuration; throws with every problem listed when it is invalid. */
export function env(): Env {
  cached ??= readEnv();
  return cached;
}

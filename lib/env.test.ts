import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { generateSigningKey } from "./crypto/server-signature";
import { readEnv } from "./env";

const dir = () => mkdtempSync(path.join(tmpdir(), "claimlink-env-"));
const PG = "postgres://postgres@127.0.0.1:5432/none";
const keys = () => ({
  AUTH_SECRET: randomBytes(32).toString("base64"),
  CLAIMLINK_SECRET_KEY: randomBytes(32).toString("base64"),
  CLAIMLINK_SIGNING_KEYS: `current=${generateSigningKey().privateScalar.toString("base64url")}`,
});

describe("the deployment keys", () => {
  it("refuses to start on PostgreSQL without them, naming each and how to make it", () => {
    const err = (() => {
      try {
        readEnv({ DATABASE_URL: PG, CLAIMLINK_DATA_DIR: dir() });
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(err).toMatch(/AUTH_SECRET: .*openssl rand -base64 32/);
    expect(err).toMatch(/CLAIMLINK_SECRET_KEY: .*openssl rand -base64 32/);
    expect(err).toMatch(/CLAIMLINK_SIGNING_KEYS: .*npm run cli -- keys create/);
    const { AUTH_SECRET, CLAIMLINK_SIGNING_KEYS } = keys();
    expect(() => readEnv({ DATABASE_URL: PG, CLAIMLINK_DATA_DIR: dir(), AUTH_SECRET, CLAIMLINK_SIGNING_KEYS })).toThrow(
      /CLAIMLINK_SECRET_KEY/,
    );
  });

  it("starts on PostgreSQL with them, writing nothing to the data directory", () => {
    const d = dir();
    const e = readEnv({ DATABASE_URL: PG, CLAIMLINK_DATA_DIR: d, ...keys() });
    expect(e.databaseDriver).toBe("postgres");
    expect(() => statSync(path.join(d, "secrets.json"))).toThrow();
  });

  it("generates them into the data directory on the embedded database, and keeps them", () => {
    const d = dir();
    const first = readEnv({ CLAIMLINK_DATA_DIR: d });
    const again = readEnv({ CLAIMLINK_DATA_DIR: d });
    expect(again.secretKey.current.id).toBe(first.secretKey.current.id);
    expect(again.authSecret).toBe(first.authSecret);
    expect(statSync(path.join(d, "secrets.json")).mode & 0o777).toBe(0o600);
  });

  it("takes several sealing keys: the first seals, all open", () => {
    const [a, b] = [randomBytes(32).toString("base64"), randomBytes(32).toString("base64")];
    const e = readEnv({ CLAIMLINK_DATA_DIR: dir(), CLAIMLINK_SECRET_KEY: `${a}, ${b}` });
    expect(e.secretKey.all).toHaveLength(2);
    expect(e.secretKey.current.key.toString("base64")).toBe(a);
    expect(() => readEnv({ CLAIMLINK_DATA_DIR: dir(), CLAIMLINK_SECRET_KEY: `${a},short` })).toThrow(
      /CLAIMLINK_SECRET_KEY/,
    );
  });
});

describe("secrets.json", () => {
  it("is set back to 0600, with a warning, when others may read it", () => {
    const d = dir();
    readEnv({ CLAIMLINK_DATA_DIR: d });
    const file = path.join(d, "secrets.json");
    writeFileSync(file, JSON.stringify(JSON.parse(readFileSync(file, "utf8"))), { mode: 0o644 });
    chmodSync(file, 0o644);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      readEnv({ CLAIMLINK_DATA_DIR: d });
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(warn).toHaveBeenCalledWith(
        expect.stringMatching(/secrets\.json was readable by others \(mode 0644\).*0600/),
      );
    } finally {
      warn.mockRestore();
    }
  });
});

describe("NONCE_MEMORY", () => {
  it("must be at least twice SKEW plus a margin, else the app does not start", () => {
    expect(readEnv({ CLAIMLINK_DATA_DIR: dir() }).CLAIMLINK_NONCE_MEMORY_SECONDS).toBe(660);
    expect(() => readEnv({ CLAIMLINK_DATA_DIR: dir(), CLAIMLINK_NONCE_MEMORY_SECONDS: "600" })).toThrow(
      /CLAIMLINK_NONCE_MEMORY_SECONDS: must be at least 2 × CLAIMLINK_SKEW_SECONDS \+ 60 = 660/,
    );
    expect(() =>
      readEnv({ CLAIMLINK_DATA_DIR: dir(), CLAIMLINK_SKEW_SECONDS: "30", CLAIMLINK_NONCE_MEMORY_SECONDS: "120" }),
    ).not.toThrow();
  });
});

describe("the /emulator page", () => {
  it("is on where people try Claimlink: the embedded database (npm start) and development", () => {
    expect(readEnv({ CLAIMLINK_DATA_DIR: dir(), NODE_ENV: "production" }).emulatorEnabled).toBe(true);
    expect(readEnv({ CLAIMLINK_DATA_DIR: dir(), NODE_ENV: "test" }).emulatorEnabled).toBe(true);
    expect(readEnv({ CLAIMLINK_DATA_DIR: dir(), NODE_ENV: "development" }).emulatorEnabled).toBe(true);
  });

  it("is off on a PostgreSQL deployment unless asked for, and CLAIMLINK_EMULATOR=off switches it off anywhere", () => {
    const pg = { ...keys(), DATABASE_URL: PG, CLAIMLINK_DATA_DIR: dir(), NODE_ENV: "production" };
    expect(readEnv(pg).emulatorEnabled).toBe(false);
    expect(readEnv({ ...pg, CLAIMLINK_EMULATOR: "on" }).emulatorEnabled).toBe(true);
    expect(readEnv({ ...pg, NODE_ENV: "development" }).emulatorEnabled).toBe(true);
    expect(readEnv({ CLAIMLINK_DATA_DIR: dir(), CLAIMLINK_EMULATOR: "off" }).emulatorEnabled).toBe(false);
  });
});

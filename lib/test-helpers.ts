import { createServer, type AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";
import { Mailbox } from "../e2e/smtp";
import { appDatabase, type Database, type Db } from "./db/client";
import { openTestDatabase } from "./db/test-database";

// What the integration tests under lib/ share: the database for the file, the app's own database
// for requests sent through the router, a mailbox, and the code of a refusal.

/**
 * Opens the test database (PostgreSQL of DATABASE_URL, else a fresh PGlite) before the file's
 * tests and closes it after them; `use` receives it, for the file's own set-up.
 */
export function withTestDatabase(use: (database: Database) => void | Promise<void>): void {
  let database: Database | undefined;
  beforeAll(async () => {
    database = await openTestDatabase();
    await use(database);
  });
  afterAll(() => database?.close());
}

/** The code a use case refused with (`device_not_found`, …), or null when it went through. */
export const refusal = (p: Promise<unknown>): Promise<string | null> =>
  p.then(
    () => null,
    (e: { code?: string }) => e.code ?? String(e),
  );

/**
 * The app's own database (the one the /api/v1 router uses), for tests that send it requests;
 * `use` receives it before the file's tests, and it is closed and forgotten after them.
 */
export function withAppDatabase(use: (db: Db) => void): void {
  beforeAll(async () => use((await appDatabase()).db));
  afterAll(async () => {
    await (await appDatabase()).close();
    delete (globalThis as Record<symbol, unknown>)[Symbol.for("claimlink.database")];
  });
}

/** A TCP port free on 127.0.0.1 at the moment of asking. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * An SMTP server inside the test process for the file, with mail turned on for it (every Vitest
 * file has its own modules, so its own env()). Call it before the database's hooks are registered
 * when the set-up reads the settings.
 */
export function withMailbox(): Mailbox {
  const mailbox = new Mailbox();
  beforeAll(async () => {
    const port = await freePort();
    await mailbox.listen(port);
    process.env.CLAIMLINK_SMTP_URL = `smtp://127.0.0.1:${port}`;
  });
  afterAll(() => mailbox.close());
  return mailbox;
}

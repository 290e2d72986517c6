import path from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { env } from "../env";
import { secureDataDir, tightenTree } from "./data-dir";
import { acquireLock } from "./embedded-lock";
import { migrateEmbedded, migratePostgres } from "./migrate";
import * as schema from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Driver = "postgres" | "pglite";

export type Database = {
  db: Db;
  driver: Driver;
  /**
   * Runs a callback on every NOTIFY on `channel` in this process; returns the unsubscribe.
   * `onRelisten` runs each time the LISTEN is set up again on a new connection (PostgreSQL):
   * notifications sent while it was down are lost, so waiters should look again.
   */
  listen(channel: string, onPayload: (payload: string) => void, onRelisten?: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
};

/**
 * PostgreSQL's codes for a session it ended (an administrator's `pg_terminate_backend`, a
 * crash or a shutdown). postgres.js hands one of them to a statement only when it was waiting
 * for its connection to open (a statement already sent gets CONNECTION_CLOSED instead): after
 * an outage, a connection the pool opens again can still fail that way once. The statement never
 * ran, so it is safe to send it again.
 */
const SESSION_ENDED = new Set(["57P01", "57P02", "57P03"]);

type Unsafe = (
  query: string,
  params?: unknown[],
  opts?: unknown,
) => PromiseLike<unknown> & { values(): PromiseLike<unknown> };

/**
 * The pool as drizzle uses it, with a statement outside a transaction sent once more when it
 * failed with SESSION_ENDED (so it never ran). Transactions are not retried: their statements
 * go through the transaction's own client.
 */
export function retryingNeverSent<T extends object>(client: T): T {
  const unsafe = (client as unknown as { unsafe: Unsafe }).unsafe.bind(client);
  const again = <R>(send: () => PromiseLike<R>): Promise<R> =>
    Promise.resolve(send()).catch((err: { code?: string }) =>
      SESSION_ENDED.has(err?.code ?? "") ? send() : Promise.reject(err),
    );
  const retrying: Unsafe = (query, params, opts) => {
    const whole = () => unsafe(query, params, opts);
    return {
      then: (ok, fail) => again(whole).then(ok, fail),
      values: () => again(() => unsafe(query, params, opts).values()),
    } as ReturnType<Unsafe>;
  };
  return new Proxy(client, {
    get: (target, key, receiver) => (key === "unsafe" ? retrying : Reflect.get(target, key, receiver)),
  });
}

/** How long PostgreSQL lets a transaction of the app sit idle before ending its session. */
export const IDLE_IN_TRANSACTION_MS = 30_000;

export type OpenOptions =
  { driver: "postgres"; url: string; max?: number } | { driver: "pglite"; dataDir: string | null; app?: boolean };

/**
 * Opens a database with the committed migrations applied. PostgreSQL through postgres.js, or
 * PGlite in `dataDir` (null: in memory). An embedded directory is locked for this process.
 */
export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.driver === "postgres") {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    await migratePostgres(opts.url);
    const client = postgres(opts.url, {
      max: opts.max ?? 20,
      onnotice: () => {},
      // A backstop: no transaction of the app waits on anything but its own statements, so one
      // idle for this long is a bug holding a pooled connection (and its locks); the database
      // ends it and the pool opens a new connection.
      connection: { idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS },
    });
    const db = drizzle(retryingNeverSent(client), { schema }) as unknown as Db;
    const listeners = new Set<ReturnType<typeof postgres>>();
    const endListener = (listener: ReturnType<typeof postgres>, timeout: number) => {
      listeners.delete(listener);
      return listener.end({ timeout });
    };
    return {
      db,
      driver: "postgres",
      async listen(channel, onPayload, onRelisten) {
        // Each LISTEN gets a client of its own, ended when it is given up. A LISTEN cut while
        // it was being set up again (an outage that cuts reconnections too) stays in postgres.js
        // as a rejected promise that every later LISTEN on that client awaits and fails with:
        // set up again on the same client, long polls would never wake again.
        const listener = postgres(opts.url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
        listeners.add(listener);
        let first = true;
        try {
          // postgres.js runs the third callback after every LISTEN, the first and each reconnection's.
          await listener.listen(channel, onPayload, () => {
            if (first) first = false;
            else onRelisten?.();
          });
        } catch (err) {
          await endListener(listener, 0).catch(() => {});
          throw err;
        }
        return () => endListener(listener, 1);
      },
      close: async () => {
        await Promise.all([...listeners].map((l) => endListener(l, 1).catch(() => {})));
        await client.end({ timeout: 5 });
      },
    };
  }

  let release = () => {};
  if (opts.dataDir) {
    secureDataDir(opts.dataDir);
    release = acquireLock(opts.dataDir, opts.app ?? false);
  }
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    const { drizzle } = await import("drizzle-orm/pglite");
    const client = opts.dataDir ? await PGlite.create(path.join(opts.dataDir, "pglite")) : await PGlite.create();
    if (opts.dataDir) tightenTree(opts.dataDir);
    const db = drizzle(client, { schema }) as unknown as Db;
    await migrateEmbedded(db);
    return {
      db,
      driver: "pglite",
      async listen(channel, onPayload) {
        const unsub = await client.listen(channel, onPayload);
        return () => unsub();
      },
      async close() {
        await client.close();
        release();
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}

const globalKey = Symbol.for("claimlink.database");
type GlobalWithDb = typeof globalThis & { [globalKey]?: Promise<Database> };

/**
 * The process-wide database of the running app, opened once (a globalThis singleton so dev
 * reloads do not open a second pool or a second PGlite instance on the same directory).
 */
export function appDatabase(): Promise<Database> {
  const g = globalThis as GlobalWithDb;
  if (!g[globalKey]) {
    const e = env();
    const opening = e.DATABASE_URL
      ? openDatabase({ driver: "postgres", url: e.DATABASE_URL })
      : openDatabase({ driver: "pglite", dataDir: e.dataDir, app: true });
    g[globalKey] = opening;
    // A failed open (database down, directory locked) is retried on the next request.
    opening.catch(() => {
      if (g[globalKey] === opening) delete g[globalKey];
    });
  }
  return g[globalKey];
}

/** The app's drizzle instance. */
export async function getDb(): Promise<Db> {
  return (await appDatabase()).db;
}

/** Rows of a raw `db.execute`, whose result shape differs between the two drivers. */
export function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? (result as T[])) as T[];
}

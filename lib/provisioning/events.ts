import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Database, Db } from "../db/client";

// Wake-ups for long polls. A change commits with `pg_notify` in its transaction; every app
// process LISTENs on one channel and wakes its own waiters for that topic. Because the payload
// only says "look again", a waiter always re-reads the database, which stays the only truth.

export const CHANNEL = "claimlink_events";

type Hub = {
  ready: Promise<void>;
  waiters: Map<string, Set<() => void>>;
  /** Round trips in flight (eventsHealthy): ping payload -> its resolver. */
  pings: Map<string, () => void>;
  unlisten: (() => Promise<void>) | null;
  relistening: Promise<void> | null;
};
const hubs = new WeakMap<Database, Hub>();

/** Payloads of the hub's own round trips; never a topic (topics are `kind:id`). */
const PING_PREFIX = "~ping:";
/** How long a round trip may take before the LISTEN is considered lost. */
const PING_TIMEOUT_MS = 1000;
/** How often a hub with waiters checks its LISTEN on PostgreSQL (a lost one is set up again). */
const WATCH_MS = 5000;

function wakeAll(hub: Hub) {
  for (const set of hub.waiters.values()) for (const wake of set) wake();
}

function listenFor(database: Database, hub: Hub) {
  return database.listen(
    CHANNEL,
    (payload) => {
      if (payload.startsWith(PING_PREFIX)) return hub.pings.get(payload)?.();
      for (const wake of hub.waiters.get(payload) ?? []) wake();
    },
    // Set up again after its connection was lost: what was sent meanwhile is gone, so every
    // waiter looks at the database again.
    () => wakeAll(hub),
  );
}

function hubFor(database: Database): Hub {
  let hub = hubs.get(database);
  if (!hub) {
    const h: Hub = {
      ready: Promise.resolve(),
      waiters: new Map(),
      pings: new Map(),
      unlisten: null,
      relistening: null,
    };
    h.ready = listenFor(database, h).then((unlisten) => {
      h.unlisten = unlisten;
    });
    hub = h;
    hubs.set(database, h);
    h.ready.catch(() => hubs.delete(database));
    if (database.driver === "postgres") watch(database, h);
  }
  return hub;
}

/**
 * postgres.js sets a LISTEN up again when its connection closes, but gives up silently when
 * that attempt fails too (PostgreSQL still restarting): then no long poll would wake again.
 * While waiters exist, the hub checks its LISTEN by a round trip and sets up a lost one again.
 */
function watch(database: Database, hub: Hub) {
  const timer = setInterval(() => {
    if (hub.waiters.size === 0 || hub.relistening) return;
    eventsHealthy(database).catch(() => {});
  }, WATCH_MS);
  timer.unref();
  const close = database.close;
  database.close = () => {
    clearInterval(timer);
    return close();
  };
}

function relisten(database: Database, hub: Hub): Promise<void> {
  hub.relistening ??= (async () => {
    await hub.unlisten?.().catch(() => {});
    hub.unlisten = await listenFor(database, hub);
    wakeAll(hub);
  })().finally(() => {
    hub.relistening = null;
  });
  return hub.relistening;
}

/**
 * Whether a notification sent now reaches this process (a round trip through the database).
 * When it does not, the LISTEN is set up again and false is returned: the health check reports
 * the app unavailable until wake-ups work again.
 */
export async function eventsHealthy(database: Database): Promise<boolean> {
  const hub = hubFor(database);
  try {
    await hub.ready;
    if (hub.relistening) await hub.relistening;
  } catch {
    return false;
  }
  const payload = `${PING_PREFIX}${randomBytes(9).toString("base64url")}`;
  let timer: NodeJS.Timeout | undefined;
  const arrived = new Promise<boolean>((resolve) => {
    hub.pings.set(payload, () => resolve(true));
    timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
  });
  try {
    await database.db.execute(sql`select pg_notify(${CHANNEL}, ${payload})`);
    if (await arrived) return true;
  } catch {
    return false; // the database itself is away; the pool reconnects on its own
  } finally {
    clearTimeout(timer);
    hub.pings.delete(payload);
  }
  await relisten(database, hub).catch(() => {});
  return false;
}

/** Queues a wake-up for `topic`, delivered when the surrounding transaction commits. */
export async function notifyTopic(db: Db, topic: string): Promise<void> {
  await db.execute(sql`select pg_notify(${CHANNEL}, ${topic})`);
}

export type Subscription = {
  /** Resolves true on the next notification (or one that came since the last call); false after `ms` or on abort. */
  next(ms: number, signal?: AbortSignal): Promise<boolean>;
  close(): void;
};

/** Subscribes to `topic`. Subscribe before reading the state you wait on, so no change is missed. */
export async function subscribe(database: Database, topic: string): Promise<Subscription> {
  const hub = hubFor(database);
  await hub.ready;
  let pending = false;
  let resolveNext: (() => void) | null = null;
  const wake = () => {
    pending = true;
    resolveNext?.();
  };
  let set = hub.waiters.get(topic);
  if (!set) hub.waiters.set(topic, (set = new Set()));
  set.add(wake);
  return {
    next(ms, signal) {
      if (pending || signal?.aborted || ms <= 0) {
        const woken = pending;
        pending = false;
        return Promise.resolve(woken);
      }
      return new Promise<boolean>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", done);
          resolveNext = null;
          const woken = pending;
          pending = false;
          resolve(woken);
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener("abort", done);
        resolveNext = done;
      });
    },
    close() {
      set!.delete(wake);
      if (set!.size === 0) hub.waiters.delete(topic);
    },
  };
}

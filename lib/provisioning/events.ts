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
/**
 * One hub per database in the process, kept on globalThis: the server's directly answered
 * long poll (lib/http/direct-routes.ts) and Next's routes may load this module separately, and
 * must share one LISTEN and one set of waiters.
 */
const HUBS = Symbol.for("claimlink.event-hubs");
const hubs: WeakMap<Database, Hub> = ((globalThis as typeof globalThis & { [HUBS]?: WeakMap<Database, Hub> })[HUBS] ??=
  new WeakMap());

/** Payloads of the hub's own round trips; never a topic (topics are `kind:id`). */
const PING_PREFIX = "~ping:";
/**
 * How long a round trip's notification may take to arrive once its NOTIFY has committed. The
 * clock starts at the commit, not when the NOTIFY is queued: a busy pool delays the statement,
 * not the delivery, and must not pass for a lost LISTEN (which would wake every waiter).
 */
const PING_TIMEOUT_MS = 2000;
/** How often a hub with waiters checks its LISTEN on PostgreSQL (a lost one is set up again). */
const WATCH_MS = 5000;
/**
 * Waking every waiter at once (after the LISTEN was set up again) would send all their
 * re-reads to the database in the same instant; they are woken this many at a time, this far
 * apart: 5000 waiters within half a second.
 */
const WAKE_BATCH = 250;
const WAKE_SPACING_MS = 25;

/** Wakes every waiter (notifications may have been lost), a batch at a time. */
function wakeAll(hub: Hub) {
  const wakes = [...hub.waiters.values()].flatMap((set) => [...set]);
  const wakeBatch = (from: number) => {
    for (const wake of wakes.slice(from, from + WAKE_BATCH)) wake();
    if (from + WAKE_BATCH < wakes.length) setTimeout(wakeBatch, WAKE_SPACING_MS, from + WAKE_BATCH).unref();
  };
  wakeBatch(0);
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
 * One round trip: whether a NOTIFY committed now reaches this process within PING_TIMEOUT_MS
 * of its commit; null when the NOTIFY could not be sent (the database itself is away).
 */
async function ping(database: Database, hub: Hub): Promise<boolean | null> {
  const payload = `${PING_PREFIX}${randomBytes(9).toString("base64url")}`;
  let settle: (arrived: boolean) => void = () => {};
  const arrived = new Promise<boolean>((resolve) => (settle = resolve));
  hub.pings.set(payload, () => settle(true));
  let timer: NodeJS.Timeout | undefined;
  try {
    try {
      await database.db.execute(sql`select pg_notify(${CHANNEL}, ${payload})`);
    } catch {
      return null; // the pool reconnects on its own
    }
    timer = setTimeout(() => settle(false), PING_TIMEOUT_MS);
    return await arrived;
  } finally {
    clearTimeout(timer);
    hub.pings.delete(payload);
  }
}

/**
 * Whether a notification sent now reaches this process (a round trip through the database).
 * When two round trips in a row are lost, the LISTEN is set up again and false is returned: the
 * health check reports the app unavailable until wake-ups work again.
 */
export async function eventsHealthy(database: Database): Promise<boolean> {
  const hub = hubFor(database);
  try {
    await hub.ready;
    if (hub.relistening) await hub.relistening;
  } catch {
    return false;
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    const arrived = await ping(database, hub);
    if (arrived === null) return false;
    if (arrived) return true;
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

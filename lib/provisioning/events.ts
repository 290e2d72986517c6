import { sql } from "drizzle-orm";
import type { Database, Db } from "../db/client";

// Wake-ups for long polls. A change commits with `pg_notify` in its transaction; every app
// process LISTENs on one channel and wakes its own waiters for that topic. Because the payload
// only says "look again", a waiter always re-reads the database, which stays the only truth.

export const CHANNEL = "claimlink_events";

type Hub = { ready: Promise<void>; waiters: Map<string, Set<() => void>> };
const hubs = new WeakMap<Database, Hub>();

function hubFor(database: Database): Hub {
  let hub = hubs.get(database);
  if (!hub) {
    const waiters = new Map<string, Set<() => void>>();
    const ready = database
      .listen(CHANNEL, (topic) => {
        for (const wake of waiters.get(topic) ?? []) wake();
      })
      .then(() => undefined);
    hub = { ready, waiters };
    hubs.set(database, hub);
    ready.catch(() => hubs.delete(database));
  }
  return hub;
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

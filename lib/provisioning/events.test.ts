import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../db/client";
import { eventsHealthy, notifyTopic, subscribe } from "./events";
import { withTestDatabase } from "../test-helpers";

// Fault: every backend terminated (as in a PostgreSQL restart) while devices long-poll. The
// LISTEN connection must come back by itself, or no long poll would ever wake again.

let database: Database;
withTestDatabase((d) => {
  database = d;
});

describe.skipIf(!process.env.DATABASE_URL)("wake-ups after PostgreSQL drops every connection", () => {
  it("a notification sent after pg_terminate_backend of every backend still wakes its waiter within a second", async () => {
    const topic = `fault:${Date.now()}`;
    const sub = await subscribe(database, topic);
    try {
      await notifyTopic(database.db, topic);
      expect(await sub.next(2000)).toBe(true);

      const { default: postgres } = await import("postgres");
      const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
      try {
        await admin`select pg_terminate_backend(pid) from pg_stat_activity
                    where datname = current_database() and pid <> pg_backend_pid()`;
      } finally {
        await admin.end();
      }

      // The pool and the LISTEN connection reconnect on their own; wait until a notification
      // gets through (the recovery window), then each one must wake within a second.
      const deadline = Date.now() + 15_000;
      let recovered = false;
      while (!recovered && Date.now() < deadline) {
        await notifyTopic(database.db, topic).catch(() => {});
        recovered = await sub.next(500);
      }
      expect(recovered).toBe(true);
      const t0 = Date.now();
      await notifyTopic(database.db, topic);
      expect(await sub.next(1000)).toBe(true);
      expect(Date.now() - t0).toBeLessThan(1000);
    } finally {
      sub.close();
    }
  });

  it("after an outage in which every reconnection is cut too, a waiter opened before it wakes within a second", async () => {
    const topic = `outage:${Date.now()}`;
    const sub = await subscribe(database, topic);
    try {
      const { default: postgres } = await import("postgres");
      const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
      try {
        // Two seconds of terminating every backend again and again: the LISTEN connection's
        // attempts to come back are cut as well, as while PostgreSQL restarts or fails over.
        const until = Date.now() + 2000;
        while (Date.now() < until) {
          await admin`select pg_terminate_backend(pid) from pg_stat_activity
                      where datname = current_database() and pid <> pg_backend_pid()`;
          await new Promise((r) => setTimeout(r, 20));
        }
      } finally {
        await admin.end();
      }
      // The recovery window ends when the app says it can wake long polls again.
      await expect.poll(() => eventsHealthy(database), { timeout: 15_000 }).toBe(true);
      await sub.next(0); // (a wake-up for the reconnection itself is allowed: waiters look again)
      const t0 = Date.now();
      await notifyTopic(database.db, topic);
      expect(await sub.next(1000)).toBe(true);
      expect(Date.now() - t0).toBeLessThan(1000);
    } finally {
      sub.close();
    }
  });

  it("a pool too busy to send the round trip at once does not pass for a lost LISTEN, and wakes no one", async () => {
    // Every connection of a small pool is busy for longer than a round trip may take to arrive:
    // the check's NOTIFY waits its turn, and only then does its clock start.
    const busy = await openDatabase({ driver: "postgres", url: process.env.DATABASE_URL!, max: 2 });
    const topic = `busy:${Date.now()}`;
    const sub = await subscribe(busy, topic);
    try {
      expect(await eventsHealthy(busy)).toBe(true);
      // (Queries are sent when awaited: Promise.resolve sends them now.)
      const sleeping = [1, 2].map(() => Promise.resolve(busy.db.execute(sql`select pg_sleep(2.5)`)));
      await new Promise((r) => setTimeout(r, 200));
      const t0 = Date.now();
      expect(await eventsHealthy(busy)).toBe(true);
      expect(Date.now() - t0).toBeGreaterThan(2000); // it did wait behind the busy connections
      await Promise.all(sleeping);
      // Setting the LISTEN up again would have woken every waiter.
      expect(await sub.next(0)).toBe(false);
    } finally {
      sub.close();
      await busy.close();
    }
  });
});

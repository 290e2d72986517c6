import { sql } from "drizzle-orm";
import { appDatabase } from "./db/client";
import { env } from "./env";
import { eventsHealthy } from "./provisioning/events";
import { loggableError } from "./errors/problem";

export type Health = { status: "ok" | "unavailable"; database: "postgres" | "pglite" };

/**
 * Whether the database answers a query now, and a notification sent through it reaches this
 * process (long polls can be woken). A lost LISTEN is set up again by the check itself.
 */
export async function checkHealth(): Promise<Health> {
  const driver = env().databaseDriver;
  try {
    const database = await appDatabase();
    await database.db.execute(sql`select 1`);
    if (!(await eventsHealthy(database))) {
      console.error("[health] notifications do not arrive; listening again");
      return { status: "unavailable", database: driver };
    }
    return { status: "ok", database: driver };
  } catch (err) {
    console.error("[health] database unavailable:", loggableError(err));
    return { status: "unavailable", database: driver };
  }
}

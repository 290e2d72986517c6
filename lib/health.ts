import { sql } from "drizzle-orm";
import { appDatabase } from "./db/client";
import { env } from "./env";

export type Health = { status: "ok" | "unavailable"; database: "postgres" | "pglite" };

/** Whether the database answers a query now. */
export async function checkHealth(): Promise<Health> {
  const driver = env().databaseDriver;
  try {
    const database = await appDatabase();
    await database.db.execute(sql`select 1`);
    return { status: "ok", database: driver };
  } catch (err) {
    console.error("[health] database unavailable:", err instanceof Error ? err.message : err);
    return { status: "unavailable", database: driver };
  }
}

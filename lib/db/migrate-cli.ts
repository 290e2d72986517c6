import { env } from "../env";
import { openDatabase } from "./client";

// `npm run db:migrate`: applies drizzle/ to DATABASE_URL (or to the embedded database when it
// is not set and the app is not running on it).
async function main() {
  const e = env();
  const database = e.DATABASE_URL
    ? await openDatabase({ driver: "postgres", url: e.DATABASE_URL, max: 1 })
    : await openDatabase({ driver: "pglite", dataDir: e.dataDir });
  await database.close();
  console.log(`Migrations applied (${database.driver}).`);
}

main().catch((err) => {
  const where = env().DATABASE_URL ? "the PostgreSQL server of DATABASE_URL" : "the embedded database";
  console.error(`Could not migrate ${where}: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});

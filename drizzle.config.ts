import { defineConfig } from "drizzle-kit";

// Migrations are generated from the schema and committed; the app applies them itself at
// start (see lib/db/migrate.ts), so this file only drives `npm run db:generate`.
export default defineConfig({
  dialect: "postgresql",
  schema: "./lib/db/schema.ts",
  out: "./drizzle",
});

// The database schema, one module per area; drizzle-kit reads it from here (drizzle.config.ts)
// and the app's queries import it from here.
export * from "./tables/accounts";
export * from "./tables/devices";
export * from "./tables/models";
export * from "./tables/studies";
export * from "./tables/integrations";
export * from "./tables/webhooks";
export * from "./tables/firmware";
export * from "./tables/firmware-rollouts";

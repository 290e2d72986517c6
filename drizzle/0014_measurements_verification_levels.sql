-- The boolean `verified` becomes a level of trust (docs/legacy-ingest.md "Levels of trust"):
-- a verified reading was signed by the Claimlink protocol, an unverified one came from a legacy
-- node by hardware id only. The new column defaults to `signed`, so only the unverified rows
-- are written.
UPDATE "measurements" SET "verification" = 'none' WHERE "verified" = false;

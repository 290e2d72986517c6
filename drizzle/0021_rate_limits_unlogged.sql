-- Rate-limit windows last a minute and matter to no one after a crash: an unlogged table writes
-- no WAL for the counter every signed report and login attempt updates (docs/performance.md).
-- After a crash PostgreSQL empties it, which only restarts the current windows.
-- fillfactor 70 leaves room on each page for the counter's next version (a HOT update, no index write).
ALTER TABLE "rate_limits" SET UNLOGGED;--> statement-breakpoint
ALTER TABLE "rate_limits" SET (fillfactor = 70);

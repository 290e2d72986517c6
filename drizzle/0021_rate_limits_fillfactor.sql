-- The rate-limit counter every signed report and sign-in attempt updates: fillfactor 70 leaves
-- room on each page for its next version, so the update is HOT (no index write). The table stays
-- logged: its windows include the sign-in and two-factor guessing budgets, which a crash must not
-- reset (docs/performance.md).
ALTER TABLE "rate_limits" SET (fillfactor = 70);

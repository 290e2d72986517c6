// Next.js calls register() once when the server starts: the configuration is checked there, so
// the app refuses to start (rather than answer 500s) when it is incomplete.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { checkConfigurationAtStart, startControlChannel } = await import("./lib/startup");
  checkConfigurationAtStart();
  // Not while `next build` collects pages: only a serving process keeps house.
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  // The device long poll and the requests a claim waits on, answered by scripts/start.mjs
  // without Next's per-request machinery (docs/decisions/0010).
  const { registerDirectRoutes } = await import("./lib/http/direct-routes");
  registerDirectRoutes();
  const { registerDirectClaimRoutes } = await import("./lib/http/claim-routes");
  registerDirectClaimRoutes();
  // What the start banner says depends on whether a staff account exists yet (scripts/start.mjs).
  const { registerFirstRunStatus } = await import("./lib/accounts/first-run");
  registerFirstRunStatus();
  // The embedded database is opened now, and the CLI reaches this process on its socket.
  await startControlChannel();
  const { startHousekeeping } = await import("./lib/housekeeping/schedule");
  startHousekeeping();
}

// Next.js calls register() once when the server starts: the configuration is checked there, so
// the app refuses to start (rather than answer 500s) when it is incomplete.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { checkConfigurationAtStart, startControlChannel } = await import("./lib/startup");
  checkConfigurationAtStart();
  // Not while `next build` collects pages: only a serving process keeps house.
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  // What the start banner says depends on whether a staff account exists yet (scripts/start.mjs).
  const { registerFirstRunStatus } = await import("./lib/accounts/first-run");
  registerFirstRunStatus();
  // The embedded database is opened now, and the CLI reaches this process on its socket.
  await startControlChannel();
  const { startHousekeeping } = await import("./lib/housekeeping/schedule");
  startHousekeeping();
  const { startWebhookWorker } = await import("./lib/webhooks/worker");
  startWebhookWorker();
}

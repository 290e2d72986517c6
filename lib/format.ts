// Small formatting rules shared by the server and the browser (no node: imports).

/** RFC 3339 in UTC at whole seconds, as the protocol's answers carry times: `2026-11-23T00:15:00Z`. */
export function toRfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** "Try again in 3 minutes." for a wait in seconds (at least one minute): one wording everywhere. */
export function tryAgainIn(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return `Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}

import { AppError } from "../errors/app-error";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * The origins a write may come from: the public URL's, and when that is a loopback address
 * (the default `http://localhost:PORT`, in development and on the embedded database) every
 * loopback name for the same scheme and port, so `http://127.0.0.1:3000`, the address the app
 * listens on, works as well as `localhost`. A page at a loopback origin and our port is this
 * app itself: no other site can be served from there.
 */
export function acceptedOrigins(publicUrl: string): string[] {
  const url = new URL(publicUrl);
  if (!LOOPBACK.has(url.hostname)) return [url.origin];
  const others = [...LOOPBACK]
    .filter((h) => h !== url.hostname)
    .map((h) => `${url.protocol}//${h}${url.port ? `:${url.port}` : ""}`);
  return [url.origin, ...others];
}

/**
 * Refuses a state-changing request from another site (`csrf_failed`): the session cookie alone
 * never authorises a cross-site write. Browsers send Sec-Fetch-Site on every request and Origin
 * on every cross-origin or non-GET one, so a write with neither is refused, and an Origin is
 * compared with the configured public URL only (and its loopback aliases, above): Host and
 * X-Forwarded-Host are the client's to choose. The refusal names the address to use.
 */
export function checkSameOrigin(req: Request, publicUrl: string): void {
  const origin = req.headers.get("origin");
  const site = req.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") throw crossSite(publicUrl);
  if (!origin) {
    if (!site) throw crossSite(publicUrl);
    return;
  }
  let given: string;
  try {
    given = new URL(origin).origin;
  } catch {
    throw crossSite(publicUrl);
  }
  if (!acceptedOrigins(publicUrl).includes(given)) throw crossSite(publicUrl);
}

function crossSite(publicUrl: string): AppError {
  return new AppError(
    "csrf_failed",
    `Cross-site requests are refused. Open Claimlink at ${new URL(publicUrl).origin} and try again.`,
  );
}

import { AppError } from "../errors/app-error";

/**
 * Refuses a state-changing request from another site (`csrf_failed`): the session cookie alone
 * never authorises a cross-site write. Browsers send Sec-Fetch-Site on every request and Origin
 * on every cross-origin or non-GET one, so a write with neither is refused, and an Origin is
 * compared with the configured public URL only: Host and X-Forwarded-Host are the client's to
 * choose.
 */
export function checkSameOrigin(req: Request, publicUrl: string): void {
  const origin = req.headers.get("origin");
  const site = req.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") throw crossSite();
  if (!origin) {
    if (!site) throw crossSite();
    return;
  }
  let given: string;
  try {
    given = new URL(origin).origin;
  } catch {
    throw crossSite();
  }
  if (given !== new URL(publicUrl).origin) throw crossSite();
}

function crossSite(): AppError {
  return new AppError("csrf_failed", "Cross-site requests are refused.");
}

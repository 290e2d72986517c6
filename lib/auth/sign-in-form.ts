import { headers } from "next/headers";
import { getDb } from "../db/client";
import { clientIp } from "../http/client-ip";
import { beginSignIn } from "./sign-in";

/** The sign-in form's password step for this request: a ticket, and whether a code comes next; or the refusal code. */
export async function passwordStep(
  email: string,
  password: string,
): Promise<{ ok: true; ticket: string; secondFactor: boolean } | { ok: false; code: string }> {
  const r = await beginSignIn(await getDb(), { email, password }, clientIp(await headers()));
  if (r.ok) return r;
  return { ok: false, code: r.reason === "rate_limited" ? `rate_limited_${r.retryAfterSeconds}` : r.reason };
}

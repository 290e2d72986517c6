import { request as pwRequest, type APIRequestContext } from "@playwright/test";
import { DeviceClient, type Challenge, type PollAnswer } from "../device/client";
import { createAccountWithCli, STAFF, uniqueEmail } from "./helpers";

export const BASE = `http://localhost:${process.env.E2E_PORT ?? 3100}`;

/** An API client signed in as a user, through next-auth's own sign-in endpoint. */
export async function signedInApi(email: string, password: string, base = BASE): Promise<APIRequestContext> {
  // A browser's write carries Origin; the app refuses one with neither Origin nor Sec-Fetch-Site.
  const api = await pwRequest.newContext({ baseURL: base, extraHTTPHeaders: { origin: new URL(base).origin } });
  const { csrfToken } = await (await api.get("/api/auth/csrf")).json();
  const r = await api.post("/api/auth/callback/credentials", { form: { csrfToken, email, password }, maxRedirects: 0 });
  if (r.status() !== 302 || (r.headers().location ?? "").includes("error"))
    throw new Error(`sign-in failed for ${email}`);
  return api;
}

export async function newParticipant(tag = "p"): Promise<{ email: string; api: APIRequestContext }> {
  const { email, password } = createAccountWithCli(uniqueEmail(tag), "participant");
  return { email, api: await signedInApi(email, password) };
}

export async function staffApi(): Promise<APIRequestContext> {
  return signedInApi(STAFF.email, STAFF.password);
}

/** A simulated device with a session started and one poll open in the background. */
export async function deviceShowingCode(
  opts: { model?: string; base?: string; device?: DeviceClient; signed?: boolean } = {},
) {
  const device =
    opts.device ?? new DeviceClient(opts.base ?? BASE, null, { model: opts.model ?? "sim-room", firmware: "1.0.0" });
  await device.startSession(opts.signed ?? false);
  // A poll that answers at once marks the device online before this returns; a claim made
  // before the long poll below arrives is still seen by it (it answers a challenge at once).
  await device.poll(0);
  const poll = device.poll(25);
  poll.catch(() => {}); // a test that never reads it must not fail on an unhandled rejection
  const sid = device.session!.sid;
  return { device, sid, code: device.codeAt(0), poll };
}

export async function claim(api: APIRequestContext, body: Record<string, unknown>) {
  const r = await api.post("/api/v1/claims", { data: body });
  return { status: r.status(), body: await r.json(), headers: r.headers() };
}

/**
 * Claims a device whose own program polls (the simulator, the emulator): the test cannot see
 * when its first poll arrives, so a `device_offline` refusal (which changes nothing) is retried.
 */
export async function claimWhenOnline(api: APIRequestContext, body: Record<string, unknown>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = await claim(api, body);
    if (c.body.code !== "device_offline" || Date.now() > deadline) return c;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function claimState(api: APIRequestContext, claimId: string, wait = 10) {
  const r = await api.get(`/api/v1/claims/${claimId}?wait=${wait}`);
  return { status: r.status(), body: await r.json() };
}

/** Claims a device end to end: user claims, device answers, both see `claimed`. */
export async function claimDevice(
  api: APIRequestContext,
  extra: Record<string, unknown> = {},
  opts: Parameters<typeof deviceShowingCode>[0] = {},
) {
  const d = await deviceShowingCode(opts);
  const c = await claim(api, { sid: d.sid, pop: d.code, ...extra });
  if (c.status !== 202) throw new Error(`claim refused: ${JSON.stringify(c.body)}`);
  const ch = (await d.poll) as Challenge;
  const answered = await d.device.answer(ch);
  if (answered.state !== "claimed") throw new Error(`device answered ${answered.state}`);
  const done = await claimState(api, c.body.claimId);
  return { ...d, claimId: c.body.claimId, deviceId: done.body.deviceId as string, credential: d.device.credential! };
}

/** A device with a session, online, and a long poll open (its promise never rejects). */
export async function pollingDevice(base: string, model: string) {
  const device = new DeviceClient(base, null, { model });
  await device.startSession();
  await device.poll(0);
  const poll: Promise<PollAnswer | Error> = device.poll(25).catch((e: Error) => e);
  return { device, poll };
}

/** The ids of the devices the signed-in account sees on /devices. */
export async function devicesOnPage(api: APIRequestContext): Promise<string[]> {
  const html = await (await api.get("/devices")).text();
  return [...new Set([...html.matchAll(/data-device-id="(dev_[A-Za-z0-9]+)"/g)].map((m) => m[1]))];
}

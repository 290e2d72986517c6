import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { inArray } from "drizzle-orm";
import { afterAll, afterEach } from "vitest";
import { webhookSubscriptions } from "../db/schema";
import { env } from "../env";
import { studyTestBed } from "../studies/test-fixtures";
import { runDeliveries, type DeliveryConfig } from "./deliver";
import { WEBHOOK_EVENT_TYPES } from "./schemas";
import { createSubscription } from "./subscriptions";

// What the webhook tests share: the study test bed, receivers of the test's own on 127.0.0.1,
// subscriptions removed after each test (the database is shared with other test files), the
// delivery worker run until nothing is due, and a Standard Webhooks verifier written from the
// specification, not with lib/webhooks/signature.ts.

export type Received = { headers: IncomingHttpHeaders; body: string; at: number };

/** An HTTP receiver on 127.0.0.1 that answers `status()` and keeps what it got. */
async function receiver(servers: Server[], status: () => number = () => 204, answer = "") {
  const got: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
      const s = status();
      res.writeHead(s, s === 302 ? { location: "http://127.0.0.1:1/elsewhere" } : {});
      res.end(answer);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  servers.push(server);
  return { got, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` };
}

/**
 * Standard Webhooks verification from the specification (spec/standard-webhooks.md "Verifying
 * webhook authenticity"): the secret is the base64 after `whsec_`; the signed content is
 * `id.timestamp.body`; the header holds space-delimited `v1,<base64>` signatures, any of which
 * may match; the timestamp must be within five minutes. Returns which of `secrets` matched.
 */
export function verifyStandardWebhook(secrets: string[], h: IncomingHttpHeaders, body: string): boolean[] {
  const id = String(h["webhook-id"]);
  const ts = String(h["webhook-timestamp"]);
  if (!/^\d+$/.test(ts) || Math.abs(Date.now() / 1000 - Number(ts)) > 300) throw new Error("stale timestamp");
  const given = String(h["webhook-signature"])
    .split(" ")
    .map((s) => s.split(","))
    .filter(([v]) => v === "v1")
    .map(([, sig]) => Buffer.from(sig, "base64"));
  return secrets.map((secret) => {
    const key = Buffer.from(secret.slice("whsec_".length), "base64");
    const expected = createHmac("sha256", key).update(`${id}.${ts}.${body}`).digest();
    return given.some((g) => g.length === expected.length && timingSafeEqual(g, expected));
  });
}

export const bodyOf = (r: Received) =>
  JSON.parse(r.body) as { type: string; timestamp: string; data: Record<string, unknown> };

/**
 * The test bed of a webhook test file (its hooks registered where it is called): `receiver`
 * starts a receiver, `subscribe` a subscription to every event unless `input` says otherwise,
 * `drain` runs the worker until nothing is due at `now`.
 */
export function webhookTestBed() {
  const bed = studyTestBed();
  // Studies of these files seal their pseudonym keys as the app does (env), so events can name pseudonyms.
  bed.cfg.secretKey = env().secretKey;
  const servers: Server[] = [];
  const made: string[] = [];
  const delivery: DeliveryConfig = {
    keys: bed.cfg.secretKey,
    allowLoopback: true,
    retryBaseSeconds: 2,
    retryMaxSeconds: 60,
    disableAfterSeconds: 86_400,
  };
  afterEach(async () => {
    if (made.length) await bed.db.delete(webhookSubscriptions).where(inArray(webhookSubscriptions.id, made.splice(0)));
  });
  afterAll(() => servers.forEach((s) => s.close()));

  async function subscribe(url: string, input: Record<string, unknown> = {}, allowLoopback = true) {
    const staff = { ...bed.staff };
    const r = await createSubscription(bed.db, bed.cfg.secretKey, { allowLoopback }, staff, {
      url,
      events: [...WEBHOOK_EVENT_TYPES],
      ...input,
    });
    made.push(r.view.id);
    return r;
  }

  async function drain(cfg: DeliveryConfig = delivery, now = new Date()) {
    for (let i = 0; i < 10; i++) if ((await runDeliveries(bed.db, cfg, now)).attempted === 0) return;
  }

  return {
    bed,
    delivery,
    servers,
    receiver: (status?: () => number, answer?: string) => receiver(servers, status, answer),
    subscribe,
    drain,
  };
}

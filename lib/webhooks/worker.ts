import { eq } from "drizzle-orm";
import { appDatabase, type Db } from "../db/client";
import { users } from "../db/schema";
import { env } from "../env";
import { logInternalError } from "../errors/problem";
import { webhookDisabledMail } from "../mail/messages";
import { sendMailQuietly } from "../mail/send";
import { runDeliveries, type DeliveryConfig, type DisabledSubscription } from "./deliver";

// The worker's loop in each app process (started beside housekeeping, instrumentation.ts):
// every CLAIMLINK_WEBHOOK_POLL_SECONDS it sends what is due. Several processes share the queue
// safely (deliver.ts); a restarted process picks up whatever was queued before it stopped.

const started = Symbol.for("claimlink.webhooks");

export function deliveryConfig(): DeliveryConfig {
  const e = env();
  return {
    keys: e.secretKey,
    allowLoopback: e.webhookLoopback,
    retryBaseSeconds: e.CLAIMLINK_WEBHOOK_RETRY_BASE_SECONDS,
    retryMaxSeconds: e.CLAIMLINK_WEBHOOK_RETRY_MAX_SECONDS,
    disableAfterSeconds: e.CLAIMLINK_WEBHOOK_DISABLE_AFTER_SECONDS,
  };
}

/** Mails the owner of a subscription the worker disabled (never inside a transaction). */
export async function noticeDisabled(db: Db, publicUrl: string, s: DisabledSubscription): Promise<boolean> {
  const [u] = await db.select().from(users).where(eq(users.id, s.ownerId));
  if (!u || u.disabledAt) return false;
  const endpoint = new URL(s.url).host;
  return sendMailQuietly(webhookDisabledMail(u, endpoint, `${publicUrl}/staff/webhooks/${s.id}`));
}

export function startWebhookWorker(): void {
  const g = globalThis as typeof globalThis & { [started]?: boolean };
  if (g[started]) return;
  g[started] = true;
  const e = env();
  const cfg = deliveryConfig();
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      const { db } = await appDatabase();
      // A full batch: more may be due at once.
      for (let i = 0; i < 10; i++) {
        const report = await runDeliveries(db, cfg);
        for (const s of report.disabled) {
          console.log(`[webhooks] subscription ${s.id} failed for a day and was disabled`);
          await noticeDisabled(db, e.publicUrl, s);
        }
        if (report.attempted < (cfg.batch ?? 20)) break;
      }
    } catch (err) {
      logInternalError("webhooks", err);
    } finally {
      running = false;
    }
  };
  setInterval(run, e.CLAIMLINK_WEBHOOK_POLL_SECONDS * 1000).unref();
}

import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users, webhookSubscriptions } from "../db/schema";
import { reportDeviceLost } from "../devices/lifecycle";
import { claimTestDevice, insertAccount, studyTestBed } from "../studies/test-fixtures";
import { runDeliveries, type DeliveryConfig } from "./deliver";
import { withMailbox } from "../test-helpers";
import { createSubscription } from "./subscriptions";
import { noticeDisabled } from "./worker";

// A subscription that fails for a day is disabled and its owner told by mail, through an SMTP
// server inside this test process (this file's own configuration turns mail on). The mail names
// the endpoint's host and links the subscription; it carries no secret.

const bed = studyTestBed();
const mailbox = withMailbox();
const PUBLIC = "http://claimlink.test";
let failing: Server;
let url: string;
const cfg: DeliveryConfig = {
  keys: bed.cfg.secretKey,
  allowLoopback: true,
  retryBaseSeconds: 2,
  retryMaxSeconds: 3600,
  disableAfterSeconds: 86_400,
};

beforeAll(async () => {
  failing = createHttpServer((_req, res) => res.writeHead(503).end("down"));
  await new Promise<void>((r) => failing.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(failing.address() as AddressInfo).port}/hook`;
});
const made: string[] = [];
afterAll(async () => {
  // The database is shared with other test files: leave no subscription behind.
  if (made.length) await bed.db.delete(webhookSubscriptions).where(inArray(webhookSubscriptions.id, made));
  failing.close();
});

/** A subscription of `owner` whose endpoint has failed for a day: returns what the worker disabled. */
async function failedForADay(owner: { id: string; email: string; label: string; ip: string | null }) {
  const { view, secret } = await createSubscription(bed.db, bed.cfg.secretKey, { allowLoopback: true }, owner, {
    url,
    events: ["device.lost"],
  });
  made.push(view.id);
  const someone = await insertAccount(bed.db, "lost-for-hook");
  const d = await claimTestDevice(bed.database, bed.cfg, someone);
  await reportDeviceLost(bed.db, someone, d.deviceId);
  const t0 = Date.now();
  await runDeliveries(bed.db, cfg, new Date(t0));
  const report = await runDeliveries(bed.db, cfg, new Date(t0 + 86_400_000 + 1000));
  const mine = report.disabled.filter((s) => s.id === view.id);
  expect(mine).toHaveLength(1);
  return { disabled: mine[0], view, secret };
}

describe("a subscription disabled for failing", () => {
  it("mails its owner, naming the endpoint and linking the subscription, with no secret", async () => {
    const owner = await insertAccount(bed.db, "hook-owner", "staff");
    const { disabled, view, secret } = await failedForADay(owner);
    const [row] = await bed.db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, view.id));
    expect(row.disabledReason).toBe("failing");

    expect(await noticeDisabled(bed.db, PUBLIC, disabled)).toBe(true);
    const mail = await mailbox.mailWhere((m) => m.to.includes(owner.email) && m.text.includes("disabled"));
    expect(mail.text).toContain(new URL(url).host);
    expect(mail.text).toContain(`${PUBLIC}/staff/webhooks/${view.id}`);
    // `text` is the whole message as sent: its headers, the text part and the HTML part.
    expect(mail.text).toContain("<html");
    expect(mail.text).not.toContain(secret.slice("whsec_".length, 20));
  });

  it("mails nobody when the owner's account is disabled meanwhile", async () => {
    const owner = await insertAccount(bed.db, "hook-gone", "staff");
    const { disabled } = await failedForADay(owner);
    await bed.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, owner.id));
    const before = mailbox.mails.length;
    expect(await noticeDisabled(bed.db, PUBLIC, disabled)).toBe(false);
    expect(mailbox.mails).toHaveLength(before);
  });
});

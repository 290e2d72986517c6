import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReceivedMail } from "../../e2e/smtp";
import type { Database } from "../db/client";
import { devices } from "../db/schema";
import { openTestDatabase } from "../db/test-database";
import { claimTestDevice, insertAccount, testConfig } from "../provisioning/test-fixtures";
import { reportDeviceLost } from "./lifecycle";
import { withMailbox } from "../test-helpers";
import { noticeOwner, sendSilenceNotices, setNoticePreferences } from "./notices";

// The notices as mailed, through an SMTP server inside this test process. This file's own
// configuration turns mail on (every Vitest file has its own modules, so its own env()).

let database: Database;
const mailbox = withMailbox();
const cfg = testConfig();
const PUBLIC = "http://claimlink.test";

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});

const about = (to: string, words: string, name: string) => (m: ReceivedMail) =>
  m.to.includes(to) && m.text.includes(words) && m.text.includes(name);

describe("device notices by mail", () => {
  it("a device silent for the configured hours: one mail per outage, and none for a lost one", async () => {
    const owner = await insertAccount(database.db, "silent");
    const { deviceId, name } = await claimTestDevice(database, cfg, owner);
    const lost = await claimTestDevice(database, cfg, owner);
    await reportDeviceLost(database.db, owner, lost.deviceId);
    const now = Date.now();
    const quiet = new Date(now - 25 * 3600_000);
    for (const id of [deviceId, lost.deviceId])
      await database.db.update(devices).set({ lastSeenAt: quiet }).where(eq(devices.id, id));

    await sendSilenceNotices(database.db, PUBLIC, 24, now);
    const mail = await mailbox.mailWhere(about(owner.email, "has sent nothing for a while", name));
    expect(mail.text).toContain(`${PUBLIC}/devices/${deviceId}`);
    // Housekeeping runs again an hour later: the same outage is not mailed again.
    const { silent } = await sendSilenceNotices(database.db, PUBLIC, 24, now + 3600_000);
    expect(silent).toBe(0);
    expect(mailbox.mails.filter(about(owner.email, "has sent nothing", name))).toHaveLength(1);
    expect(mailbox.mails.filter(about(owner.email, "has sent nothing", lost.name))).toEqual([]);
  });

  it("a kind switched off is not sent; a warning about claim attempts is sent at most once an hour per device", async () => {
    const owner = await insertAccount(database.db, "quietly");
    const { deviceId, name } = await claimTestDevice(database, cfg, owner);
    await setNoticePreferences(database.db, owner, ["staff_revoked"]);
    expect(await noticeOwner(database.db, PUBLIC, deviceId, "staff_revoked")).toBe(false);
    expect(await noticeOwner(database.db, PUBLIC, deviceId, "wrong_code")).toBe(true);
    expect(await noticeOwner(database.db, PUBLIC, deviceId, "wrong_code")).toBe(false);
    await mailbox.mailWhere(about(owner.email, "Someone tried to claim your device", name));
    expect(mailbox.mails.filter(about(owner.email, "Someone tried to claim your device", name))).toHaveLength(1);
    expect(mailbox.mails.filter(about(owner.email, "revoked your device", name))).toEqual([]);
    // The claim itself was mailed (claimTestDevice's claim, after its commit).
    await mailbox.mailWhere(about(owner.email, "was just claimed into your Claimlink account", name));
  });
});

import { expect, test } from "@playwright/test";
import type { Challenge } from "../device/client";
import { claim, claimDevice, deviceShowingCode, signedInApi } from "./api";
import { createAccountWithCli, STAFF, uniqueEmail } from "./helpers";
import { mailingApp, type ReceivedMail } from "./smtp";

// Notices to a device's owner, mailed by a second app process to an SMTP server inside this test
// (E2E_PORT + 6 and + 7; see mail.spec.ts for the others). The silence notice is tested in
// lib/devices/notices.test.ts (it needs a day to pass).

const { app, mailbox, port: PORT } = mailingApp(6, 7);

async function account(tag: string) {
  const a = createAccountWithCli(uniqueEmail(tag), "participant", "participant pw 123", String(PORT));
  return { ...a, api: await signedInApi(a.email, a.password, app.base) };
}

const about = (to: string, words: string, deviceName: string) => (m: ReceivedMail) =>
  m.to.includes(to) && m.text.includes(words) && m.text.includes(deviceName);

test("the owner hears of a claim into their account and of a staff revocation; a kind switched off is not sent", async ({
  page,
}) => {
  const owner = await account("noticed");
  const first = await claimDevice(owner.api, {}, { base: app.base });
  const claimed = await mailbox.mailWhere(
    about(owner.email, "was just claimed into your Claimlink account", first.credential.name),
  );
  expect(claimed.text).toContain(`${app.base}/devices/${first.deviceId}`);
  expect(claimed.text).toContain("switch this kind of notice off");

  const staff = await signedInApi(STAFF.email, STAFF.password, app.base);
  expect((await staff.post(`/api/v1/staff/devices/${first.deviceId}/revoke`)).status()).toBe(200);
  await mailbox.mailWhere(about(owner.email, "The project team revoked your device", first.credential.name));

  // Switched off on /account: the next claim is not mailed (the revocation after it still is).
  await page.goto(`${app.base}/sign-in`);
  await page.getByLabel("Email").fill(owner.email);
  await page.getByLabel("Password").fill(owner.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/devices$/);
  await page.goto(`${app.base}/account`);
  const box = page.getByLabel("A device was claimed into my account");
  await expect(box).toBeChecked();
  await box.uncheck();
  await page.getByRole("button", { name: "Save notice settings" }).click();
  await expect(page.getByTestId("notice-settings-message")).toHaveText("Notice settings saved.");
  await page.reload();
  await expect(page.getByLabel("A device was claimed into my account")).not.toBeChecked();
  await expect(page.getByLabel("The project team revoked one of my devices")).toBeChecked();

  const second = await claimDevice(owner.api, {}, { base: app.base });
  expect((await staff.post(`/api/v1/staff/devices/${second.deviceId}/revoke`)).status()).toBe(200);
  await mailbox.mailWhere(about(owner.email, "The project team revoked your device", second.credential.name));
  expect(mailbox.mails.filter(about(owner.email, "was just claimed", second.credential.name))).toEqual([]);

  const bad = await owner.api.put("/api/v1/me/notices", { data: { off: ["everything"] } });
  expect(bad.status()).toBe(400);
});

test("a claim attempt on a session the owner's device started warns the owner; a share tells the viewer", async () => {
  const owner = await account("warned");
  const thief = await account("thief");
  const viewer = await account("told");
  const mine = await claimDevice(owner.api, {}, { base: app.base });
  const stolen = await claimDevice(owner.api, {}, { base: app.base });

  // The device re-provisions (a signed session), and another account tries to claim it.
  const again = await deviceShowingCode({ device: mine.device, signed: true, base: app.base });
  const c = await claim(thief.api, { sid: again.sid, pop: again.code });
  expect([c.status, c.body.code]).toEqual([409, "device_owned_by_other"]);
  const warning = await mailbox.mailWhere(
    about(owner.email, "Someone tried to claim your device", mine.credential.name),
  );
  expect(warning.text).toContain("report it lost or stolen");
  expect(mailbox.mails.filter((m) => m.to.includes(thief.email))).toEqual([]);

  // A wrong code from the owner's own account (a stolen password?) on another device's session.
  const other = await deviceShowingCode({ device: stolen.device, signed: true, base: app.base });
  const wrong = await claim(owner.api, { sid: other.sid, pop: "A".repeat(26) });
  expect(wrong.status).toBe(202);
  await other.device.answer((await other.poll) as Challenge);
  await mailbox.mailWhere(about(owner.email, "Someone tried to claim your device", stolen.credential.name));

  const share = await owner.api.post(`/api/v1/devices/${mine.deviceId}/shares`, { data: { email: viewer.email } });
  expect(share.status()).toBe(201);
  const told = await mailbox.mailWhere(about(viewer.email, "shared the device", mine.credential.name));
  expect(told.text).toContain(`${app.base}/devices/${mine.deviceId}`);
});

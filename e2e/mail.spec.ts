import { expect, test, type Browser, type Page } from "@playwright/test";
import { signedInApi } from "./api";
import { createAccountWithCli, STAFF, uniqueEmail } from "./helpers";
import { linkIn, mailingApp } from "./smtp";

// Mail, end to end: a second app process mails through an SMTP server inside this test process.
// What people rely on: the link in the mail works, exactly once; "Forgot password?" says the same
// for every email and mails only an account.

// Extra processes use E2E_PORT + 1 … + 7: multi-process +1, two-factor +2, this app +3,
// key rotation +4, this SMTP server +5, faults +6, PostgreSQL faults +7.
const { app, mailbox, port: PORT } = mailingApp(3, 5);

async function signInAt(page: Page, email: string, password: string) {
  await page.goto(`${app.base}/sign-in`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function freshPage(browser: Browser) {
  const ctx = await browser.newContext();
  return { ctx, page: await ctx.newPage() };
}

test("an invitation is mailed, not shown; its link creates the account once and is refused the second time", async ({
  browser,
}) => {
  const staff = await freshPage(browser);
  await signInAt(staff.page, STAFF.email, STAFF.password);
  await expect(staff.page).toHaveURL(/\/staff\/accounts$/);
  const email = uniqueEmail("mailed");
  await staff.page.getByLabel("Email", { exact: true }).fill(email);
  await staff.page.getByLabel("Name", { exact: true }).fill("Mia Mailed");
  await staff.page.getByRole("button", { name: "Create invitation" }).click();
  await expect(staff.page.getByTestId("invite-mailed")).toContainText(email);
  await expect(staff.page.getByTestId("invite-url")).toHaveCount(0); // mailed links are not shown

  const mail = await mailbox.mailTo(email);
  expect(mail.subject).toBe("Your invitation to Claimlink");
  expect(mail.text).toContain("text/html");
  const link = linkIn(mail, app.base);
  expect(link).toMatch(/\/invite#/);

  const user = await freshPage(browser);
  await user.page.goto(link);
  await expect(user.page.getByText(`Choose a password for ${email}`)).toBeVisible();
  await user.page.getByLabel("Password", { exact: true }).fill("mailed password 1");
  await user.page.getByLabel("Repeat the password").fill("mailed password 1");
  await user.page.getByRole("button", { name: "Create my account" }).click();
  await expect(user.page.getByRole("heading", { name: "Your devices" })).toBeVisible();

  // The same link again, in another browser: refused, and the account keeps its password.
  const again = await freshPage(browser);
  await again.page.goto(link);
  await expect(again.page.getByTestId("invite-error")).toContainText("not valid");
  const accept = await again.page.request.post(`${app.base}/api/v1/invitations/accept`, {
    data: { token: link.split("#")[1], password: "someone else 123" },
  });
  expect(accept.status()).toBe(404);
  await signInAt(again.page, email, "someone else 123");
  await expect(again.page.getByTestId("form-error")).toHaveText(
    "That email and password do not match an active account.",
  );
  await signInAt(again.page, email, "mailed password 1");
  await expect(again.page).toHaveURL(/\/devices$/);
  expect(mailbox.mails.filter((m) => m.to.includes(email))).toHaveLength(1);
  await Promise.all([staff.ctx.close(), user.ctx.close(), again.ctx.close()]);
});

test('"Forgot password?" answers the same for every email, mails only the account, and its link works once', async ({
  browser,
}) => {
  const { email, password } = createAccountWithCli(
    uniqueEmail("forgot"),
    "participant",
    "the old password 1",
    String(PORT),
  );
  const nobody = uniqueEmail("nobody");
  const { ctx, page } = await freshPage(browser);

  const ask = async (who: string) => {
    await page.goto(`${app.base}/sign-in`);
    await page.getByRole("link", { name: "Forgot password?" }).click();
    await expect(page.getByRole("heading", { name: "Forgot your password?" })).toBeVisible();
    await page.getByLabel("Email").fill(who);
    await expect(page.getByLabel("Email")).toHaveValue(who);
    await page.getByRole("button", { name: "Send me a link" }).click();
    const note = page.getByTestId("forgot-note");
    await expect(note).toBeVisible();
    return (await note.textContent())!.trim();
  };
  const forNobody = await ask(nobody);
  const forAccount = await ask(email);
  expect(forNobody).toBe(forAccount);
  expect(forAccount).toContain("If that email belongs to an account");
  // The same status and body over the API too.
  const api = (who: string) =>
    page.request.post(`${app.base}/api/v1/password-resets/request`, {
      data: { email: who },
      headers: { origin: app.base },
    });
  const [a, b] = await Promise.all([api(nobody), api(uniqueEmail("nobody"))]);
  expect([a.status(), b.status()]).toEqual([202, 202]);
  expect(await a.text()).toBe(await b.text());

  const mail = await mailbox.mailTo(email);
  expect(mail.subject).toBe("Reset your Claimlink password");
  const link = linkIn(mail, app.base);
  expect(link).toMatch(/\/reset-password#/);

  await page.goto(link);
  await expect(page.getByText(`New password for ${email}`)).toBeVisible();
  await page.getByLabel("New password").fill("the new password 1");
  await page.getByLabel("Repeat the password").fill("the new password 1");
  await page.getByRole("button", { name: "Set the new password" }).click();
  await expect(page.getByTestId("reset-done")).toContainText(email);

  // Used once: the link is refused, in the page and over the API.
  const other = await freshPage(browser);
  await other.page.goto(link);
  await expect(other.page.getByTestId("reset-error")).toBeVisible();
  const reuse = await other.page.request.post(`${app.base}/api/v1/password-resets/accept`, {
    data: { token: link.split("#")[1], password: "a third password 1" },
  });
  expect(reuse.status()).toBe(404);

  await signInAt(other.page, email, password);
  await expect(other.page.getByTestId("form-error")).toHaveText(
    "That email and password do not match an active account.",
  );
  await signInAt(other.page, email, "the new password 1");
  await expect(other.page).toHaveURL(/\/devices$/);
  // No mail ever went to an email without an account.
  expect(mailbox.mails.filter((m) => m.to.some((t) => t.startsWith("nobody.")))).toHaveLength(0);
  await Promise.all([ctx.close(), other.ctx.close()]);
});

test("bulk invitations from a CSV are mailed, not shown; rejected lines are reported", async () => {
  const staff = await signedInApi(STAFF.email, STAFF.password, app.base);
  const a = uniqueEmail("bulk-mail-a");
  const b = uniqueEmail("bulk-mail-b");
  const res = await staff.post("/api/v1/staff/invitations/bulk", {
    data: { csv: `email,name,role\n${a},Bulk Mail A\nbroken line\n${b},Bulk Mail B,support` },
  });
  expect(res.status()).toBe(201);
  const body = await res.json();
  expect(body.invited.map((i: { line: number; mailed: boolean; link?: string }) => [i.line, i.mailed, i.link])).toEqual(
    [
      [2, true, undefined],
      [4, true, undefined],
    ],
  );
  expect(body.rejected).toEqual([
    { line: 3, email: "broken line", reason: expect.stringMatching(/Expected 2 or 3 columns/) },
  ]);
  for (const email of [a, b]) {
    const mail = await mailbox.mailTo(email);
    expect(mail.subject).toBe("Your invitation to Claimlink");
    expect(linkIn(mail, app.base)).toMatch(/\/invite#/);
  }
  await staff.dispose();
});

import { spawnSync } from "node:child_process";
import path from "node:path";
import { expect, type Locator, type Page } from "@playwright/test";

export const STAFF = {
  email: process.env.E2E_STAFF_EMAIL ?? "staff@e2e.example.org",
  password: process.env.E2E_STAFF_PASSWORD ?? "staff password 123",
};

let n = 0;
export function uniqueEmail(tag: string): string {
  return `${tag}.${Date.now().toString(36)}${(n++).toString(36)}@e2e.example.org`;
}

export async function signIn(
  page: Page,
  email: string,
  password: string,
  expectPath: RegExp = /\/(devices|staff\/accounts)$/,
) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(expectPath);
}

/**
 * Creates an account with the operator CLI while the app runs. On the embedded database the
 * CLI goes through the running app (it holds the database); on PostgreSQL it connects itself.
 * `port` names the app (the suite's own by default, or a second instance's).
 */
export function createAccountWithCli(
  email: string,
  role: "participant" | "staff" | "support" | "researcher",
  password = "participant pw 123",
  port = process.env.E2E_PORT ?? "3100",
) {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), CLAIMLINK_PASSWORD: password };
  if (!env.DATABASE_URL) env.CLAIMLINK_DATA_DIR = path.resolve("e2e", ".tmp", `data-${port}`);
  const r = spawnSync(
    process.execPath,
    [
      path.resolve("node_modules/tsx/dist/cli.mjs"),
      "cli/index.ts",
      "users",
      "add",
      email,
      "--name",
      "Pat Participant",
      "--role",
      role,
    ],
    { env, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`cli failed (${r.status}): ${r.stdout} ${r.stderr}`);
  return { email, password };
}

/**
 * A row's action from its menu ("Actions for …"), confirmed in the dialog when `confirm`
 * names the dialog's button.
 */
export async function rowAction(row: Locator, menu: string, item: string, confirm?: string) {
  const page = row.page();
  await row.getByRole("button", { name: menu }).click();
  await page.getByRole("menuitem", { name: item, exact: true }).click();
  if (confirm) await page.getByTestId("confirm-dialog").getByRole("button", { name: confirm, exact: true }).click();
}

/** Types a device code on the claim page; typing is already open where there is no camera. */
export async function typeCode(page: Page, code: string) {
  const field = page.getByLabel("Code under the QR");
  // Settled first: once the page knows whether there is a camera, typing is open or folded.
  await expect(page.locator("[data-testid=camera-error], [data-scanner=scanning]")).toBeVisible();
  if (!(await field.isVisible())) await page.getByText("Type the code instead").click();
  await field.fill(code);
  await page.getByRole("button", { name: "Claim", exact: true }).click();
}

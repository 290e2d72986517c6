import { randomInt } from "node:crypto";
import { expect, test } from "@playwright/test";
import { BASE, signedInApi, staffApi } from "./api";
import { createAccountWithCli, signIn, STAFF, uniqueEmail } from "./helpers";
import { screenshotsIn } from "./shots";

// Legacy nodes verified without reflashing (docs/legacy-ingest.md "Node credentials"): the
// firmware's exact request over HTTP with its user and password, staff and owners issuing them.

const chip = () => String(randomInt(1_000_000, 2_000_000_000));
// Looked at by hand (390 and 1280 px); not part of docs/screenshots.
const SHOTS = process.env.LEGACY_SHOTS_DIR ?? "e2e/.tmp/legacy-credentials";

/** What today's Sensor.Community firmware sends to "Send to own API" (see lib/legacy/credentials.test.ts). */
function firmwarePush(chipId: string, login?: { user: string; password: string }) {
  const headers: Record<string, string> = {
    "User-Agent": `NRZ-2020-133/${chipId}/A4CF12A1B2C3`,
    "Content-Type": "application/json",
    "X-Sensor": `esp8266-${chipId}`,
    "X-MAC-ID": "esp8266-A4CF12A1B2C3",
  };
  if (login) headers.Authorization = `Basic ${Buffer.from(`${login.user}:${login.password}`).toString("base64")}`;
  return fetch(`${BASE}/api/v1/legacy/push-sensor-data`, {
    method: "POST",
    headers,
    body:
      `{"esp8266id": "${chipId}", "software_version": "NRZ-2020-133", "sensordatavalues":[` +
      `{"value_type":"SDS_P1","value":"12.30"},{"value_type":"temperature","value":"21.40"},` +
      `{"value_type":"samples","value":"3061432"},{"value_type":"min_micro","value":"28"},` +
      `{"value_type":"max_micro","value":"20127"},{"value_type":"interval","value":"145000"},` +
      `{"value_type":"signal","value":"-71"}]}`,
  });
}

const shoot = screenshotsIn(SHOTS, { fits: false });

test("the staff API issues a node's credential once; the firmware's request is let in with it and refused without, after a re-issue and after a withdrawal", async () => {
  const owner = createAccountWithCli(uniqueEmail("legacy-cred"), "participant");
  const staff = await staffApi();
  const chipId = chip();
  const registered = await staff.post("/api/v1/staff/legacy/nodes", {
    data: { hardwareId: `esp8266-${chipId}`, ownerEmail: owner.email, name: "Balcony" },
  });
  expect(registered.status()).toBe(201);
  const { node } = await registered.json();
  expect(node).not.toHaveProperty("credentialHash");
  expect(node.credential).toBe("none");
  // Without a credential the node keeps today's behaviour.
  const before = await firmwarePush(chipId);
  expect(before.status).toBe(200);
  expect(await before.json()).toMatchObject({ verification: "none", accepted: 7 });

  const issued = await staff.post(`/api/v1/staff/legacy/nodes/${node.id}/credential`);
  expect(issued.status()).toBe(201);
  const first = await issued.json();
  expect(first).toEqual({
    user: node.id,
    secret: expect.stringMatching(/^[A-Z2-7]{26}$/),
    hardwareId: node.hardwareId,
  });
  const listed = await (await staff.get("/api/v1/staff/legacy/nodes")).json();
  const row = listed.nodes.find((n: { id: string }) => n.id === node.id);
  expect(row.credential).toBe("active");
  expect(JSON.stringify(listed)).not.toContain(first.secret);

  const ok = await firmwarePush(chipId, { user: first.user, password: first.secret });
  expect(ok.status).toBe(200);
  expect(await ok.json()).toMatchObject({ verification: "secret" });
  // (At most 6 requests a minute per hardware id: a wrong password is tested in lib/legacy.)
  const missing = await firmwarePush(chipId);
  expect(missing.status).toBe(401);
  expect(missing.headers.get("www-authenticate")).toBe('Basic realm="claimlink", charset="UTF-8"');
  expect(missing.headers.get("content-type")).toBe("application/problem+json");
  expect((await missing.json()).code).toBe("legacy_credential_required");

  const second = await (await staff.post(`/api/v1/staff/legacy/nodes/${node.id}/credential`)).json();
  expect((await firmwarePush(chipId, { user: first.user, password: first.secret })).status).toBe(401);
  expect((await firmwarePush(chipId, { user: second.user, password: second.secret })).status).toBe(200);

  const revoked = await staff.delete(`/api/v1/staff/legacy/nodes/${node.id}/credential`);
  expect(revoked.status()).toBe(200);
  const refused = await firmwarePush(chipId, { user: second.user, password: second.secret });
  expect(refused.status).toBe(401);
  expect((await refused.json()).code).toBe("legacy_credential_revoked");

  // Another account's owner route answers 404; a malformed node id 404 too.
  const stranger = createAccountWithCli(uniqueEmail("legacy-cred-stranger"), "participant");
  const strangerApi = await signedInApi(stranger.email, stranger.password);
  const steal = await strangerApi.post(`/api/v1/devices/${node.deviceId}/legacy-credential`);
  expect(steal.status()).toBe(404);
  expect((await steal.json()).code).toBe("device_not_found");
  expect((await staff.post("/api/v1/staff/legacy/nodes/lgn_nope/credential")).status()).toBe(404);

  const other = chip();
  const otherNode = await staff.post("/api/v1/staff/legacy/nodes", {
    data: { hardwareId: `esp8266-${other}`, ownerEmail: owner.email, name: "Shed" },
  });
  expect(otherNode.status()).toBe(201);
  const csv = await staff.post("/api/v1/staff/legacy/credentials", { data: { hardwareIds: [`esp8266-${other}`] } });
  expect(csv.status()).toBe(201);
  const bulk = await csv.json();
  expect(bulk.count).toBe(1);
  const [header, line] = bulk.csv.trim().split("\r\n");
  expect(header).toBe("hardware id,owner email,name,user,password");
  const [, , , user, password] = line.split(",");
  expect(user).toBe((await otherNode.json()).node.id);
  expect((await firmwarePush(other, { user, password })).status).toBe(200);
  for (const api of [staff, strangerApi]) await api.dispose();
});

test("staff issue a password on the console and see it once; in bulk the CSV is shown once", async ({ page }) => {
  // The console lists every node (many after the fuzz specs) and is photographed at two widths.
  test.setTimeout(180_000);
  const owner = createAccountWithCli(uniqueEmail("legacy-cred-ui"), "participant");
  const staff = await staffApi();
  const [a, b] = [chip(), chip()];
  for (const c of [a, b])
    expect(
      (
        await staff.post("/api/v1/staff/legacy/nodes", {
          data: { hardwareId: `esp8266-${c}`, ownerEmail: owner.email, name: `Node ${c}` },
        })
      ).status(),
    ).toBe(201);
  await staff.dispose();

  await signIn(page, STAFF.email, STAFF.password, /\/staff\/accounts$/);
  await page.goto("/staff/legacy");
  const row = page.locator(`tr[data-hardware-id="esp8266-${a}"]`);
  await expect(row.getByTestId("legacy-credential")).toHaveText("no password");
  await row.getByRole("button", { name: `Issue password for esp8266-${a}` }).click();
  const shown = page.getByTestId("node-credential-dialog");
  await expect(shown).toBeVisible();
  const user = (await shown.getByTestId("node-credential-user").textContent())!.trim();
  const password = (await shown.getByTestId("node-credential-secret").textContent())!.trim();
  expect(user).toMatch(/^lgn_[A-Z2-7]{16}$/);
  await shoot(page, "staff-legacy-password", { fullPage: false }); // the dialog, over the page
  await shown.getByRole("button", { name: "Done" }).click();
  await expect(shown).toHaveCount(0);
  await expect(row.getByTestId("legacy-credential")).toHaveText("password");
  expect((await firmwarePush(a, { user, password })).status).toBe(200);
  await page.reload();
  await expect(page.getByTestId("node-credential")).toHaveCount(0);
  await expect(page.getByText(password)).toHaveCount(0);

  await page.getByLabel("Hardware ids").fill(`esp8266-${b}`);
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: "Issue passwords" }).click();
  const csv = page.getByTestId("bulk-credentials-csv");
  await expect(csv).toHaveValue(/^hardware id,owner email,name,user,password\r?\n/);
  const [, line] = (await csv.inputValue()).trim().split(/\r?\n/);
  const [, , , bulkUser, bulkPassword] = line.split(",");
  expect((await firmwarePush(b, { user: bulkUser, password: bulkPassword })).status).toBe(200);
  await shoot(page, "staff-legacy-bulk", { fullPage: false });
  await page.reload();
  await expect(page.getByTestId("bulk-credentials")).toHaveCount(0);
});

test("the owner issues the node's password on its device page, sees its level, and a new board continues the series", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const owner = createAccountWithCli(uniqueEmail("legacy-cred-owner"), "participant");
  const staff = await staffApi();
  const chipId = chip();
  const { node } = await (
    await staff.post("/api/v1/staff/legacy/nodes", {
      data: { hardwareId: `esp8266-${chipId}`, ownerEmail: owner.email, name: "Garden node" },
    })
  ).json();
  await staff.dispose();
  expect((await firmwarePush(chipId)).status).toBe(200);

  await signIn(page, owner.email, owner.password, /\/devices$/);
  await page.goto(`/devices/${node.deviceId}`);
  await page.getByRole("tab", { name: "Settings" }).click();
  const panel = page.getByTestId("node-credential-panel");
  await expect(panel.getByTestId("node-credential-state")).toContainText("None yet");
  await panel.getByRole("button", { name: "Issue user and password" }).click();
  await expect(panel.getByTestId("node-credential")).toBeVisible();
  const user = (await panel.getByTestId("node-credential-user").textContent())!.trim();
  const password = (await panel.getByTestId("node-credential-secret").textContent())!.trim();
  expect(user).toBe(node.id);
  await expect(panel.getByTestId("node-credential-state")).toContainText("Issued");
  await shoot(page, "device-legacy-credential");

  // The participant types them into the node; a second later its board dies and is replaced.
  expect((await firmwarePush(chipId, { user, password })).status).toBe(200);
  const newChip = chip();
  await new Promise((r) => setTimeout(r, 1100));
  const replaced = await firmwarePush(newChip, { user, password });
  expect(replaced.status).toBe(200);
  expect(await replaced.json()).toMatchObject({ verification: "secret", accepted: 7 });
  const old = await firmwarePush(chipId, { user, password });
  expect(old.status).toBe(410);
  expect((await old.json()).code).toBe("legacy_board_replaced");

  await page.reload();
  await expect(page.getByTestId("new-board")).toContainText("New board since");
  await expect(page.getByTestId("legacy-node")).toContainText(`esp8266-${newChip}`);
  await expect(page.getByTestId("secret-badge").first()).toBeVisible();
  await expect(page.getByTestId("secret-note")).toBeVisible();
  await shoot(page, "device-legacy-new-board");

  await page.getByRole("tab", { name: "Settings" }).click();
  await panel.getByRole("button", { name: "Withdraw" }).click();
  await page.getByTestId("confirm-dialog").getByRole("button", { name: "Withdraw", exact: true }).click();
  await expect(page.getByTestId("node-credential-message")).toHaveText(
    "Withdrawn: the node's data is refused from now on.",
  );
  const after = await firmwarePush(newChip, { user, password });
  expect(after.status).toBe(401);
  expect((await after.json()).code).toBe("legacy_credential_revoked");
  await expect(panel.getByTestId("node-credential-state")).toContainText("Withdrawn");
});

import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { DeviceClient } from "../device/client";
import { BASE, claimDevice, signedInApi, staffApi } from "./api";
import { createAccountWithCli, signIn, STAFF, uniqueEmail } from "./helpers";

// Legacy nodes (docs/legacy-ingest.md) and the model registry, as nodes, devices, owners and
// staff use them over HTTP and in the browser.

const hex = (n: number) => randomBytes(n).toString("hex");

function pushAs(
  hardwareId: string,
  values = [
    { value_type: "SDS_P1", value: "12.30" },
    { value_type: "temperature", value: "21.5" },
  ],
) {
  return fetch(`${BASE}/api/v1/legacy/push-sensor-data`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-sensor": hardwareId, "x-pin": "1" },
    body: JSON.stringify({ software_version: "NRZ-2020-129", sensordatavalues: values }),
  });
}

test("a legacy node's unsigned data is accepted before its upgrade and refused after it; its history moves to the claimed device", async ({
  page,
}) => {
  const owner = createAccountWithCli(uniqueEmail("legacy-owner"), "participant");
  const ownerApi = await signedInApi(owner.email, owner.password);
  const staff = await staffApi();
  const hardwareId = `esp8266-${hex(6)}`;

  const unknown = await pushAs(hardwareId);
  expect(unknown.status).toBe(403);
  expect(unknown.headers.get("content-type")).toBe("application/problem+json");
  expect((await unknown.json()).code).toBe("legacy_not_accepted");

  const registered = await staff.post("/api/v1/staff/legacy/nodes", {
    data: { hardwareId: hardwareId.toUpperCase(), ownerEmail: owner.email, name: "Balcony node" },
  });
  expect(registered.status()).toBe(201);
  const first = await pushAs(hardwareId);
  expect(first.status).toBe(200);
  expect(await first.json()).toEqual({ verification: "none", accepted: 2, duplicates: 0, rejected: [] });

  // The owner reflashed the board, claimed it with its QR code, and links it on its page.
  const { deviceId } = await claimDevice(ownerApi, {}, { model: "coreink-heat" });
  await signIn(page, owner.email, owner.password, /\/devices$/);
  await expect(page.getByTestId("device-status").filter({ hasText: "Legacy node" })).toHaveCount(1);
  await page.goto(`/devices/${deviceId}`);
  await page.getByRole("tab", { name: "Settings" }).click();
  await page.getByLabel("Legacy node this board used to be").selectOption(hardwareId);
  await page.getByRole("button", { name: "Link and take its history" }).click();
  await page.getByTestId("confirm-dialog").getByRole("button", { name: "Link", exact: true }).click();
  await expect(page.getByTestId("legacy-link-message")).toContainText("2 earlier readings");
  await expect(page.getByTestId("unverified-note")).toBeVisible();
  await expect(page.getByTestId("unverified-badge").first()).toHaveText("unverified");
  await expect(page.getByRole("heading", { name: "Upgraded from a legacy node?" })).toHaveCount(0);

  const after = await pushAs(hardwareId);
  expect(after.status).toBe(410);
  expect((await after.json()).code).toBe("legacy_node_upgraded");
  // Not even staff switching "accept any hardware id" on brings it back.
  const on = await staff.put("/api/v1/staff/legacy/settings", { data: { acceptAny: true, cutoffAt: null } });
  expect(on.status()).toBe(200);
  try {
    expect((await pushAs(hardwareId)).status).toBe(410);
  } finally {
    await staff.put("/api/v1/staff/legacy/settings", { data: { acceptAny: false, cutoffAt: null } });
  }

  const csv = await ownerApi.get(`/api/v1/devices/${deviceId}/export`);
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toBe("text/csv; charset=utf-8");
  expect(csv.headers()["content-disposition"]).toBe(`attachment; filename="${deviceId}-measurements.csv"`);
  const lines = (await csv.text())
    .replace(/^\uFEFF/, "")
    .trim()
    .split("\r\n");
  expect(lines[0]).toBe("time (UTC),property,value,unit,verification");
  expect(lines.slice(1).map((l) => l.split(",").slice(1).join(","))).toEqual([
    "sds_p1,12.3,ug/m3,none",
    "temperature,21.5,Cel,none",
  ]);
  expect(lines[1]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z,/);

  const list = await (await staff.get("/api/v1/staff/legacy/nodes")).json();
  const node = list.nodes.find((n: { hardwareId: string }) => n.hardwareId === hardwareId);
  expect(node).toMatchObject({ upgradedDeviceId: deviceId, ownerEmail: owner.email });
  for (const api of [ownerApi, staff]) await api.dispose();
});

test("another account cannot link someone's legacy node or export their device", async () => {
  const owner = createAccountWithCli(uniqueEmail("legacy-victim"), "participant");
  const thief = createAccountWithCli(uniqueEmail("legacy-thief"), "participant");
  const staff = await staffApi();
  const ownerApi = await signedInApi(owner.email, owner.password);
  const thiefApi = await signedInApi(thief.email, thief.password);
  const hardwareId = `esp32-${hex(6)}`;
  expect(
    (
      await staff.post("/api/v1/staff/legacy/nodes", { data: { hardwareId, ownerEmail: owner.email, name: "Garden" } })
    ).status(),
  ).toBe(201);
  const { deviceId: thiefDevice } = await claimDevice(thiefApi, {}, { model: "coreink-heat" });
  const { deviceId: ownerDevice } = await claimDevice(ownerApi, {}, { model: "coreink-heat" });
  const steal = await thiefApi.post(`/api/v1/devices/${thiefDevice}/legacy-link`, { data: { hardwareId } });
  expect(steal.status()).toBe(404);
  expect((await steal.json()).code).toBe("not_found");
  const peek = await thiefApi.get(`/api/v1/devices/${ownerDevice}/export`);
  expect(peek.status()).toBe(404);
  // The node still feeds its owner's history.
  expect((await pushAs(hardwareId)).status).toBe(200);
  for (const api of [ownerApi, thiefApi, staff]) await api.dispose();
});

test("under the registry policy an unknown model and an old firmware are refused at session start", async () => {
  const staff = await staffApi();
  const model = `e2e-kit-${hex(4)}`;
  const saved = await staff.post("/api/v1/staff/models", {
    data: {
      model,
      displayName: "E2E kit",
      minFirmware: "2.0.0",
      properties: [{ property: "temperature", unit: "Cel" }],
    },
  });
  expect(saved.status()).toBe(200);
  const start = (m: string, firmware: string) => new DeviceClient(BASE, null, { model: m, firmware }).startSession();
  expect((await staff.put("/api/v1/staff/model-policy", { data: { policy: "registry" } })).status()).toBe(200);
  try {
    await expect(start(`e2e-unknown-${hex(4)}`, "9.0.0")).rejects.toMatchObject({ status: 403, code: "unknown_model" });
    await expect(start(model, "1.9.9")).rejects.toMatchObject({ status: 403, code: "firmware_not_allowed" });
    expect((await start(model, "2.0.1")).sid).toBeTruthy();
  } finally {
    await staff.put("/api/v1/staff/model-policy", { data: { policy: "open" } });
  }
  expect((await start(`e2e-unknown-${hex(4)}`, "0.1")).sid).toBeTruthy();
  await staff.dispose();
});

test("staff import legacy nodes from CSV in the browser and see each line's outcome; models page shows the registry", async ({
  page,
}) => {
  const owner = createAccountWithCli(uniqueEmail("legacy-import"), "participant");
  const good = `esp8266-${hex(5)}`;
  await signIn(page, STAFF.email, STAFF.password, /\/staff\/accounts$/);
  await page.getByRole("link", { name: "Legacy nodes" }).click();
  await expect(page).toHaveURL(/\/staff\/legacy$/);
  await page
    .getByLabel("Or paste the lines")
    .fill(`hardware id,owner email,name\n${good},${owner.email},Shed\nnot-an-id!,${owner.email},Bad`);
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByTestId("legacy-message")).toHaveText("1 registered, 1 rejected.");
  const report = page.getByTestId("import-report");
  await expect(report).toContainText("registered");
  await expect(report).toContainText("rejected: hardwareId must look like esp8266-1234567");
  await page.reload();
  await expect(page.locator(`tr[data-hardware-id="${good}"]`)).toContainText(owner.email);

  await page.getByRole("link", { name: "Models" }).click();
  await expect(page).toHaveURL(/\/staff\/models$/);
  await expect(page.getByTestId("model-policy")).toContainText("Open");
});

test("staff export every device's measurements as CSV with device columns", async () => {
  const staff = await staffApi();
  const res = await staff.get("/api/v1/staff/measurements/export?from=2000-01-01");
  expect(res.status()).toBe(200);
  const text = (await res.text()).replace(/^\uFEFF/, "");
  expect(text.split("\r\n")[0]).toBe("device id,device name,time (UTC),property,value,unit,verification");
  const bad = await staff.get("/api/v1/staff/measurements/export?from=tomorrow");
  expect(bad.status()).toBe(400);
  expect((await bad.json()).code).toBe("invalid_request");
  await staff.dispose();
});

test("a flood of made-up hardware ids registers nothing and cannot fill the audit log", async () => {
  const staff = await staffApi();
  const ids = Array.from({ length: 25 }, () => `esp8266-${hex(6)}`);
  for (const id of ids) {
    const r = await pushAs(id);
    expect(r.status).toBe(403);
    expect((await r.json()).code).toBe("legacy_not_accepted");
  }
  const log = await (await staff.get("/api/v1/staff/audit?limit=500")).json();
  const recorded = log.events.filter(
    (e: { action: string; detail: { hardwareId?: string } }) =>
      e.action === "legacy.refused" && ids.includes(e.detail.hardwareId ?? ""),
  );
  // The cap counts the address, not the made-up id: at most 20 a code in 10 minutes.
  expect(recorded.length).toBeLessThanOrEqual(20);
  for (const e of recorded) expect(e.detail).toMatchObject({ code: "legacy_not_accepted", method: "POST" });
  const nodes = await (await staff.get("/api/v1/staff/legacy/nodes")).json();
  expect(nodes.nodes.filter((n: { hardwareId: string }) => ids.includes(n.hardwareId))).toEqual([]);
  await staff.dispose();
});

test("staff add a device model in the browser, see it in the registry, and delete it", async ({ page }) => {
  const model = `e2e-form-${hex(4)}`;
  await signIn(page, STAFF.email, STAFF.password, /\/staff\/accounts$/);
  await page.goto("/staff/models");
  await page.getByLabel("Model (as devices send it)").fill(model);
  await page.getByLabel("Display name").fill("Form kit");
  await page.getByLabel("Minimum firmware (e.g. 1.4.0)").fill("1.2.0");
  await page.getByLabel("Properties and units (e.g. temperature Cel, humidity %)").fill("temperature Cel, humidity %");
  await page.getByRole("button", { name: "Save model" }).click();
  await expect(page.getByTestId("models-message").first()).toHaveText(`Saved ${model}.`);
  const row = page.locator(`tr[data-model="${model}"]`);
  await expect(row).toContainText("≥ 1.2.0");
  await expect(row).toContainText("temperature (Cel), humidity (%)");
  await row.getByRole("button", { name: `Delete ${model}` }).click();
  await page
    .getByTestId("confirm-dialog")
    .getByRole("button", { name: `Delete ${model}` })
    .click();
  await expect(row).toHaveCount(0);
});

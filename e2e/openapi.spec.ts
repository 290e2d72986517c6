import { expect, test } from "@playwright/test";
import type { z } from "zod";
import { DeviceClient, type Challenge } from "../device/client";
import {
  answerResultAnswer,
  claimAnswer,
  commandAckAnswer,
  deviceProfileAnswer,
  deviceViewAnswer,
  measurementsAnswer,
  startedSessionAnswer,
} from "../lib/api/answers";
import { BASE, claim, claimState, newParticipant, staffApi } from "./api";

// What the OpenAPI document promises is what the server answers: one device's life through the
// protocol, each answer checked against the schema its operation declares (lib/api/answers.ts),
// and the reference page drawn from that document.

function conforms(schema: z.ZodType, body: unknown, what: string) {
  const r = schema.safeParse(body);
  expect(r.error?.issues ?? [], `${what}: ${JSON.stringify(body)}`).toEqual([]);
}

test("a claim, the device's answers and its signed API answer as their OpenAPI operations say", async () => {
  const owner = await newParticipant("openapi");
  const device = new DeviceClient(BASE, null, { model: "openapi-probe", firmware: "1.0.0" });
  conforms(startedSessionAnswer, await device.startSession(), "POST /provisioning/sessions");
  conforms(deviceViewAnswer, await device.poll(0), "GET /provisioning/sessions/{sid} (waiting)");
  const polled = device.poll(25);
  const c = await claim(owner.api, { sid: device.session!.sid, pop: device.codeAt(0) });
  expect(c.status).toBe(202);
  conforms(claimAnswer, c.body, "POST /claims");
  const challenge = (await polled) as Challenge;
  conforms(deviceViewAnswer, challenge, "GET /provisioning/sessions/{sid} (challenge)");
  // (The simulator keeps the answer's body to itself; a poll now answers the same `claimed` view.)
  expect(await device.answer(challenge)).toEqual({ state: "claimed" });
  const claimed = await device.poll(0);
  conforms(answerResultAnswer, claimed, "POST /provisioning/sessions/{sid}/claims/{claimId} (its claimed view)");
  conforms(deviceViewAnswer, claimed, "GET /provisioning/sessions/{sid} (claimed)");
  const done = await claimState(owner.api, c.body.claimId, 5);
  expect(done.body.state).toBe("claimed");
  conforms(claimAnswer, done.body, "GET /claims/{claimId}");

  const staff = await staffApi();
  const queued = await staff.post(`/api/v1/staff/devices/${done.body.deviceId}/commands`, {
    data: { type: "identify" },
  });
  expect(queued.status()).toBe(201);
  const profile = await device.signed("GET", "/api/v1/devices/me");
  expect(profile.status).toBe(200);
  conforms(deviceProfileAnswer, profile.body, "GET /devices/me");
  const readings = JSON.stringify({
    measurements: [
      { property: "temperature", unit: "Cel", time: Math.floor(Date.now() / 1000), value: 21.5 },
      { property: "temperature", time: "not a time", value: 1 },
    ],
  });
  const stored = await device.signed("POST", "/api/v1/devices/me/measurements", readings);
  expect(stored.status).toBe(200);
  conforms(measurementsAnswer, stored.body, "POST /devices/me/measurements");
  const commandId = (profile.body as { commands: { id: string }[] }).commands[0].id;
  const ack = await device.signed("POST", `/api/v1/devices/me/commands/${commandId}`, '{"status":"done"}');
  expect(ack.status).toBe(200);
  conforms(commandAckAnswer, ack.body, "POST /devices/me/commands/{commandId}");
  await staff.dispose();
  await owner.api.dispose();
});

test("the API reference page lists every operation of the document, with no script of its own", async ({ page }) => {
  const doc = (await (await fetch(`${BASE}/api/v1/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { operationId: string }>>;
  };
  const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((o) => o.operationId));
  const res = await page.goto("/docs/api");
  expect(res?.status()).toBe(200);
  expect(res?.headers()["content-security-policy"]).toContain("script-src 'self' 'nonce-");
  await expect(page.getByRole("heading", { name: "API reference" })).toBeVisible();
  expect(await page.locator("details.api-op").count()).toBe(ids.length);
  for (const id of ["postClaims", "getDevicesMe", "postDevicesMeMeasurements", "getProvisioningSessionsSid"])
    await expect(page.locator(`#${id} > summary`)).toBeVisible();
  // Opening an operation needs no script: its example and its refusal codes are in the page.
  await page.locator("#postClaims > summary").click();
  await expect(page.locator("#postClaims")).toContainText("session_locked");
  await expect(page.locator("#postClaims")).toContainText("MFRGGZDFMZTWQ2LKNNWG23TPOA");
});

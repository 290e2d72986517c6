import path from "node:path";
import { expect, test, type APIRequestContext, type APIResponse, type Page } from "@playwright/test";
import { and, eq, sql } from "drizzle-orm";
import { UntrustedAnswer, type DeviceClient } from "../device/client";
import { openDatabase, type Db } from "../lib/db/client";
import { devices, measurements } from "../lib/db/schema";
import { consentToStudy } from "../lib/studies/consent";
import { currentConsentVersion } from "../lib/studies/consent-versions";
import { runErasure } from "../lib/studies/erasure";
import { unzip } from "../lib/studies/unzip";
import { withdrawFromStudy } from "../lib/studies/withdraw";
import { claimDevice, signedInApi } from "./api";
import { startApp, type AppProcess } from "./app-process";
import { createAccountWithCli, STAFF, uniqueEmail } from "./helpers";
import { screenshotsIn } from "./shots";

// Studies from the staff's and the researcher's side (docs/studies.md), on an app of its own so
// the test can reach the database between steps the way the participant's side would: consent
// and withdrawal run through the domain functions (lib/studies). On PostgreSQL the test opens
// the run's database beside the app; on the embedded database it stops the app, opens its data
// directory, and starts it again on the same data.

const PORT = Number(process.env.E2E_PORT ?? 3100) + 1;
const PASSWORD = "participant pw 123";
const UNKNOWN_STUDY = "stu_AAAAAAAAAAAAAAAA";
const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/;
const SHOTS = path.resolve("e2e", ".tmp", "studies-screens");

let app: AppProcess;

/** Runs `fn` on the app's database: beside the app on PostgreSQL, with the app stopped on PGlite. */
async function onDatabase<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const d = await openDatabase({ driver: "postgres", url, max: 2 });
    try {
      return await fn(d.db);
    } finally {
      await d.close();
    }
  }
  await app.stop();
  const d = await openDatabase({ driver: "pglite", dataDir: path.resolve("e2e", ".tmp", `data-${PORT}`) });
  try {
    return await fn(d.db);
  } finally {
    await d.close();
    app = await startApp(PORT, {}, { keepData: true, startSeconds: 90 });
  }
}

/** A CSV's rows as objects (the export's cells hold no commas or quotes in these tests). */
function csvRows(text: string): Record<string, string>[] {
  const [head, ...lines] = text.trim().split(/\r?\n/);
  const cols = head.split(",");
  return lines.filter(Boolean).map((l) => Object.fromEntries(l.split(",").map((c, i) => [cols[i], c])));
}

async function exportOf(api: APIRequestContext, studyId: string) {
  const res = await api.get(`/api/v1/research/studies/${studyId}/export`);
  expect(res.status(), await res.text().catch(() => "")).toBe(200);
  expect(res.headers()["content-type"]).toBe("application/zip");
  const files = await unzip(Buffer.from(await res.body()));
  return {
    files,
    participants: csvRows(files.get("participants.csv")!),
    devices: csvRows(files.get("devices.csv")!),
    readings: csvRows(files.get("readings.csv")!),
  };
}

async function expectProblem(res: APIResponse, status: number, code: string) {
  expect(res.status(), `${res.url()}: ${await res.text()}`).toBe(status);
  expect(res.headers()["content-type"]).toBe("application/problem+json");
  expect(((await res.json()) as { code: string }).code).toBe(code);
}

/** Someone invited by staff through the API, who accepts the link and signs in. */
async function invitedParticipant(staff: APIRequestContext, tag: string, studyId: string) {
  const email = uniqueEmail(tag);
  const r = await staff.post("/api/v1/staff/invitations", {
    data: { email, name: `Person ${tag}`, role: "participant", studyId },
  });
  expect(r.status(), await r.text()).toBe(201);
  const token = new URL((await r.json()).link).hash.slice(1);
  const accepted = await staff.post("/api/v1/invitations/accept", { data: { token, password: PASSWORD } });
  expect(accepted.status(), await accepted.text()).toBe(201);
  const account = await (await staff.get(`/api/v1/staff/accounts?q=${encodeURIComponent(email)}`)).json();
  return { email, id: account.accounts[0].id as string, api: await signedInApi(email, PASSWORD, app.base) };
}

async function newStudyByApi(staff: APIRequestContext, name: string, dataPolicy: "erase" | "retain") {
  const r = await staff.post("/api/v1/staff/studies", {
    data: {
      name: { en: name, nl: name },
      description: { en: `The ${name} study.` },
      contactEmail: "study-desk@e2e.example.org",
      startsOn: "2026-01-01",
      endsOn: "2027-12-31",
      dataPolicy,
    },
  });
  expect(r.status(), await r.text()).toBe(201);
  const id = (await r.json()).id as string;
  const text = { en: `I agree. Under the ${dataPolicy} policy my data is ${dataPolicy}d when I withdraw.` };
  expect((await staff.post(`/api/v1/staff/studies/${id}/consent-versions`, { data: { text } })).status()).toBe(200);
  expect((await staff.post(`/api/v1/staff/studies/${id}/status`, { data: { status: "recruiting" } })).status()).toBe(
    200,
  );
  return id;
}

async function sendReadings(device: DeviceClient, value: number) {
  const now = Date.now();
  const batch = [3, 2, 1].map((m) => ({
    property: "temperature",
    unit: "Cel",
    time: new Date(now - m * 60_000).toISOString(),
    value,
  }));
  const r = await device.signed("POST", "/api/v1/devices/me/measurements", JSON.stringify({ measurements: batch }));
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

async function signInOn(page: Page, email: string, password: string) {
  await page.goto(`${app.base}/sign-in`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/sign-in"));
}

const shoot = screenshotsIn(SHOTS);

test.describe.serial("studies: staff set one up, researchers read it pseudonymously", () => {
  test.setTimeout(180_000);
  let staff: APIRequestContext;
  let researcher: { email: string; api: APIRequestContext };
  const s = { erase: "", retain: "" };
  const people: Record<"p1" | "p2" | "p3", { email: string; id: string; api: APIRequestContext }> = {} as never;
  const dev: Record<string, { device: DeviceClient; deviceId: string }> = {};
  let before: { erase: Awaited<ReturnType<typeof exportOf>>; retain: Awaited<ReturnType<typeof exportOf>> };

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    app = await startApp(PORT, {}, { startSeconds: 90 });
    staff = await signedInApi(STAFF.email, STAFF.password, app.base);
    const r = createAccountWithCli(uniqueEmail("researcher"), "researcher", PASSWORD, String(PORT));
    researcher = { email: r.email, api: await signedInApi(r.email, PASSWORD, app.base) };
  });

  test.afterAll(async () => {
    for (const api of [staff, researcher?.api, ...Object.values(people).map((p) => p.api)]) await api?.dispose();
    await app?.stop();
  });

  test("staff create a study in the console, write its consent, open recruiting and invite a participant", async ({
    page,
  }) => {
    await signInOn(page, STAFF.email, STAFF.password);
    await page.goto(`${app.base}/staff/studies`);
    if (!process.env.DATABASE_URL) await expect(page.getByTestId("studies-empty")).toBeVisible();
    await shoot(page, "studies-list-empty");
    await page.getByRole("link", { name: "New study" }).first().click();
    await expect(page.getByRole("heading", { name: "New study" })).toBeVisible();
    await page.getByLabel("Name (English)").fill("Home heating");
    await page.getByLabel("Name (Dutch)").fill("Thuisverwarming");
    await page.getByLabel("Description (English, Markdown)").fill("How warm homes are kept in **winter**.");
    await page.getByLabel("Contact address for participants").fill("heating-desk@e2e.example.org");
    await page.getByLabel("First day (UTC)").fill("2026-01-01");
    await page.getByLabel("Last day (UTC)").fill("2027-12-31");
    await page.getByLabel("Data on withdrawal").selectOption("erase");
    await shoot(page, "study-new");
    await page.getByRole("button", { name: "Create the study" }).click();
    await page.waitForURL(/\/staff\/studies\/stu_[A-Z2-7]{16}$/);
    s.erase = page.url().split("/").pop()!;
    await expect(page.getByTestId("study-status")).toHaveText("draft");

    // Recruiting needs a consent text first.
    await page.getByRole("button", { name: "Open recruiting" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Open recruiting" }).click();
    await expect(page.getByTestId("status-message")).toContainText("consent text");
    await expect(page.getByTestId("study-status")).toHaveText("draft");

    await page.getByRole("tab", { name: "Consent" }).click();
    const consent =
      "# Taking part\n\nI agree. Under the **erase** policy my data is deleted when I withdraw.\n\n<b>raw</b>";
    await page.getByLabel("Consent text (English, Markdown)").fill(consent);
    const preview = page.getByTestId("consent-preview-en");
    await expect(preview.locator("strong")).toHaveText("erase");
    await expect(preview.locator("b")).toHaveCount(0); // raw HTML is never rendered
    await expect(preview.locator("h3, h4").first()).toHaveText("Taking part");
    await shoot(page, "study-consent");
    await page.getByRole("button", { name: "Save the consent text" }).click();
    await expect(page.getByTestId("consent-message")).toHaveText("Saved as version 1.");

    await page.getByRole("tab", { name: "Details" }).click();
    await page.getByRole("button", { name: "Open recruiting" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Open recruiting" }).click();
    await expect(page.getByTestId("study-status")).toHaveText("recruiting");
    await shoot(page, "study-details");

    // Invite a participant into it from the accounts page.
    const email = uniqueEmail("heating-p1");
    await page.goto(`${app.base}/staff/accounts`);
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByLabel("Name", { exact: true }).fill("Person p1");
    await page.getByLabel("Study").selectOption(s.erase);
    await page.getByRole("button", { name: "Create invitation" }).click();
    const link = (await page.getByTestId("invite-url").textContent())!.trim();
    const token = new URL(link).hash.slice(1);
    const accepted = await staff.post("/api/v1/invitations/accept", { data: { token, password: PASSWORD } });
    expect(accepted.status()).toBe(201);
    const account = await (await staff.get(`/api/v1/staff/accounts?q=${encodeURIComponent(email)}`)).json();
    people.p1 = { email, id: account.accounts[0].id, api: await signedInApi(email, PASSWORD, app.base) };
    const study = await (await staff.get(`/api/v1/staff/studies/${s.erase}`)).json();
    expect(study.study).toMatchObject({ status: "recruiting", dataPolicy: "erase", name: { en: "Home heating" } });
    expect(study.consentVersions).toHaveLength(1);
  });

  test("a second study, participants invited, consented and claiming devices that report", async () => {
    s.retain = await newStudyByApi(staff, "Air at home", "retain");
    // An existing participant invited into a second study is enrolled at once, with no link.
    const again = await staff.post("/api/v1/staff/invitations", {
      data: { email: people.p1.email, name: "Person p1", role: "participant", studyId: s.retain },
    });
    expect(again.status()).toBe(201);
    expect(await again.json()).toMatchObject({ enrolled: true, studyId: s.retain });
    people.p2 = await invitedParticipant(staff, "heating-p2", s.erase);
    people.p3 = await invitedParticipant(staff, "air-p3", s.retain);
    const grant = await staff.post(`/api/v1/staff/studies/${s.erase}/researchers`, {
      data: {
        userId: (await (await staff.get(`/api/v1/staff/accounts?q=${encodeURIComponent(researcher.email)}`)).json())
          .accounts[0].id,
      },
    });
    expect(grant.status(), await grant.text()).toBe(201);

    // Consent happens on the participant's side (another part of the app): here, the domain function.
    await onDatabase(async (db) => {
      const versions = {
        [s.erase]: (await currentConsentVersion(db, s.erase))!.id,
        [s.retain]: (await currentConsentVersion(db, s.retain))!.id,
      };
      const consent = (p: { id: string; email: string }, study: string) =>
        consentToStudy(db, { id: p.id, label: p.email, ip: "203.0.113.9" }, study, versions[study]);
      await consent(people.p1, s.erase);
      await consent(people.p1, s.retain);
      await consent(people.p2, s.erase);
      await consent(people.p3, s.retain);
    });
    staff = await signedInApi(STAFF.email, STAFF.password, app.base); // (a restarted app on PGlite: same sessions, fresh client)

    const claims: [string, "p1" | "p2" | "p3", string][] = [
      ["p1-erase", "p1", s.erase],
      ["p1-retain", "p1", s.retain],
      ["p2-erase", "p2", s.erase],
      ["p3-retain", "p3", s.retain],
    ];
    for (const [key, who, study] of claims) {
      const c = await claimDevice(people[who].api, { study }, { model: "stst-heat", base: app.base });
      dev[key] = { device: c.device, deviceId: c.deviceId };
      await sendReadings(c.device, 20 + Object.keys(dev).length);
    }
    const device = await (await staff.get(`/api/v1/staff/devices/${dev["p2-erase"].deviceId}`)).json();
    expect(device.study).toEqual({ id: s.erase, name: "Home heating" });
    const inStudy = await (await staff.get(`/api/v1/staff/devices?study=${s.retain}`)).json();
    expect(inStudy.devices.map((d: { id: string }) => d.id).sort()).toEqual(
      [dev["p1-retain"].deviceId, dev["p3-retain"].deviceId].sort(),
    );
  });

  test("exports: pseudonyms stable across exports of a study and different between studies", async () => {
    const first = await exportOf(staff, s.erase);
    const second = await exportOf(staff, s.erase);
    const retain = await exportOf(staff, s.retain);
    const pseudonyms = (e: typeof first) => e.participants.map((p) => p.participant).sort();
    expect(pseudonyms(first)).toHaveLength(2);
    expect(pseudonyms(second)).toEqual(pseudonyms(first));
    for (const p of pseudonyms(first)) expect(p).toMatch(/^p_[a-z2-7]{10}$/i);
    expect(pseudonyms(retain)).toHaveLength(2);
    expect(pseudonyms(retain).filter((p) => pseudonyms(first).includes(p))).toEqual([]);
    expect(first.devices).toHaveLength(2);
    expect(first.readings).toHaveLength(6);
    expect(first.files.get("datapackage.json")).toContain('"readings"');
    before = { erase: first, retain };
  });

  test("a researcher reads the granted study's dashboard and export, with no email, account id or address", async ({
    page,
  }) => {
    const list = await (await researcher.api.get("/api/v1/research/studies")).json();
    expect(list.studies.map((x: { id: string }) => x.id)).toEqual([s.erase]);
    const dash = await researcher.api.get(`/api/v1/research/studies/${s.erase}/dashboard`);
    expect(dash.status()).toBe(200);
    const dashboard = await dash.json();
    expect(dashboard.funnel).toMatchObject({ invited: 2, consented: 2, deviceClaimed: 2, withdrawn: 0 });
    const exported = await exportOf(researcher.api, s.erase);
    expect(exported.participants.map((p) => p.participant).sort()).toEqual(
      before.erase.participants.map((p) => p.participant).sort(),
    );

    await signInOn(page, researcher.email, PASSWORD);
    await expect(page).toHaveURL(/\/research$/);
    await shoot(page, "research-list");
    const listPage = { html: await page.content(), text: await page.locator("body").innerText() };
    await page.getByRole("link", { name: "Home heating" }).click();
    await expect(page.getByTestId("funnel")).toBeVisible();
    await expect(page.getByTestId("completeness")).toBeVisible();
    await shoot(page, "research-study");
    const studyPage = { html: await page.content(), text: await page.locator("body").innerText() };
    // What people read (page text, the JSON, every file of the export) holds no "@" at all; the
    // pages' markup (with the framework's own "$@" references) holds no email address.
    for (const t of [
      listPage.text,
      studyPage.text,
      JSON.stringify(list),
      JSON.stringify(dashboard),
      ...exported.files.values(),
    ])
      expect(t).not.toContain("@");
    for (const t of [
      listPage.html,
      studyPage.html,
      listPage.text,
      studyPage.text,
      JSON.stringify(dashboard),
      ...exported.files.values(),
    ]) {
      expect(t).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.-]+/);
      expect(t).not.toMatch(/usr_[A-Z2-7]{16}/i);
      for (const p of Object.values(people)) expect(t.toLowerCase()).not.toContain(p.id.toLowerCase());
      expect(t).not.toMatch(IPV4);
    }
    // The download is audited.
    const log = await (await staff.get("/api/v1/staff/audit?action=study.exported&limit=20")).json();
    expect(log.events.some((e: { actorLabel: string }) => e.actorLabel === researcher.email)).toBe(true);
  });

  test("a researcher is refused on every other staff route and on a study not granted", async () => {
    const r = researcher.api;
    await expectProblem(await r.get(`/api/v1/research/studies/${s.retain}/dashboard`), 404, "study_not_found");
    await expectProblem(await r.get(`/api/v1/research/studies/${s.retain}/export`), 404, "study_not_found");
    await expectProblem(await r.get(`/api/v1/research/studies/${UNKNOWN_STUDY}/export`), 404, "study_not_found");
    for (const p of [
      "/api/v1/staff/studies",
      `/api/v1/staff/studies/${s.erase}`,
      `/api/v1/staff/studies/${s.erase}/consent-versions`,
      "/api/v1/staff/devices",
      "/api/v1/staff/accounts?q=e2e",
      "/api/v1/staff/audit",
    ])
      await expectProblem(await r.get(p), 403, "forbidden");
    await expectProblem(
      await r.post(`/api/v1/staff/studies/${s.erase}/status`, { data: { status: "ended" } }),
      403,
      "forbidden",
    );
    await expectProblem(await r.post(`/api/v1/staff/devices/${dev["p1-erase"].deviceId}/revoke`), 403, "forbidden");
    // A participant reads no study either.
    await expectProblem(
      await people.p1.api.get(`/api/v1/research/studies/${s.erase}/dashboard`),
      404,
      "study_not_found",
    );
    expect((await (await people.p1.api.get("/api/v1/research/studies")).json()).studies).toEqual([]);
    // The staff pages answer researchers with the ordinary 404.
    expect((await r.get(`/staff/studies/${s.erase}`)).status()).toBe(404);
    expect((await r.get(`/research/${s.retain}`)).status()).toBe(404);
  });

  test("bad input: unknown study, invalid dates, a bad status change are 4xx problem+json and change nothing", async () => {
    const count = async () => (await (await staff.get("/api/v1/staff/studies")).json()).studies.length;
    const n = await count();
    const base = {
      name: { en: "Bad" },
      description: { en: "Bad" },
      contactEmail: "bad@e2e.example.org",
      dataPolicy: "erase",
    };
    await expectProblem(await staff.get(`/api/v1/staff/studies/${UNKNOWN_STUDY}`), 404, "study_not_found");
    await expectProblem(await staff.get("/api/v1/staff/studies/not-an-id"), 404, "study_not_found");
    await expectProblem(
      await staff.patch(`/api/v1/staff/studies/${UNKNOWN_STUDY}`, { data: { endsOn: "2028-01-01" } }),
      404,
      "study_not_found",
    );
    for (const dates of [
      { startsOn: "2027-02-30", endsOn: "2027-12-31" },
      { startsOn: "2027-12-31", endsOn: "2027-01-01" },
      { startsOn: "0000-01-01", endsOn: "2027-01-01" },
      { startsOn: "tomorrow", endsOn: "2027-01-01" },
    ])
      await expectProblem(
        await staff.post("/api/v1/staff/studies", { data: { ...base, ...dates } }),
        400,
        "invalid_request",
      );
    await expectProblem(
      await staff.patch(`/api/v1/staff/studies/${s.retain}`, { data: { endsOn: "2025-01-01" } }),
      400,
      "invalid_request",
    );
    await expectProblem(
      await staff.post(`/api/v1/staff/studies/${s.retain}/status`, { data: { status: "draft" } }),
      409,
      "status_transition_not_allowed",
    );
    await expectProblem(
      await staff.post(`/api/v1/staff/studies/${s.retain}/status`, { data: { status: "paused" } }),
      400,
      "invalid_request",
    );
    await expectProblem(
      await staff.patch(`/api/v1/staff/studies/${s.retain}`, { data: { dataPolicy: "erase" } }),
      409,
      "conflict",
    );
    await expectProblem(
      await staff.post("/api/v1/staff/invitations", {
        data: { email: uniqueEmail("nowhere"), name: "No One", role: "participant", studyId: UNKNOWN_STUDY },
      }),
      404,
      "study_not_found",
    );
    await expectProblem(
      await staff.post(`/api/v1/staff/studies/${s.erase}/participants/${people.p3.id}/withdrawal`, {
        data: { reason: "not in this study" },
      }),
      404,
      "study_not_found",
    );
    expect(await count()).toBe(n);
    const retain = await (await staff.get(`/api/v1/staff/studies/${s.retain}`)).json();
    expect(retain.study).toMatchObject({ status: "recruiting", endsOn: "2027-12-31", dataPolicy: "retain" });
  });

  test("withdrawal: the export drops an erased participant and marks a retained one, and their devices are refused", async () => {
    let lateReadingAt = new Date();
    const counts = await onDatabase(async (db) => {
      const rowsOf = async (deviceId: string) =>
        Number(
          (
            await db
              .select({ n: sql<number>`count(*)` })
              .from(measurements)
              .where(eq(measurements.deviceId, deviceId))
          )[0].n,
        );
      const erasedBefore = await rowsOf(dev["p2-erase"].deviceId);
      const w2 = await withdrawFromStudy(
        db,
        { id: people.p2.id, label: people.p2.email, ip: null },
        s.erase,
        people.p2.id,
      );
      expect(w2).toMatchObject({ dataPolicy: "erase", devices: 1 });
      for (let i = 0; i < 10 && !(await runErasure(db, w2.erasureId!)).done; i++);
      const w3 = await withdrawFromStudy(
        db,
        { id: people.p3.id, label: people.p3.email, ip: null },
        s.retain,
        people.p3.id,
      );
      expect(w3).toMatchObject({ dataPolicy: "retain", erasureId: null });
      // A reading stored after the withdrawal (a clock ahead, a batch in flight) is never exported.
      lateReadingAt = new Date(w3.withdrawnAt.getTime() + 30_000);
      await db.insert(measurements).values({
        deviceId: dev["p3-retain"].deviceId,
        property: "temperature",
        unit: "Cel",
        time: lateReadingAt,
        value: 99.5,
      });
      const [erasedDevice] = await db.select().from(devices).where(eq(devices.id, dev["p2-erase"].deviceId));
      const [retained] = await db
        .select()
        .from(devices)
        .where(and(eq(devices.id, dev["p3-retain"].deviceId), eq(devices.studyId, s.retain)));
      return {
        erasedBefore,
        erasedAfter: await rowsOf(dev["p2-erase"].deviceId),
        erasedDevice,
        retained,
        retainedRows: await rowsOf(dev["p3-retain"].deviceId),
      };
    });
    staff = await signedInApi(STAFF.email, STAFF.password, app.base);
    expect(counts.erasedBefore).toBe(3);
    expect(counts.erasedAfter).toBe(0);
    expect(counts.erasedDevice).toBeUndefined();
    expect(counts.retained?.releasedAt).not.toBeNull();
    expect(counts.retainedRows).toBe(4);

    // erase: the participant is absent from every file.
    const erase = await exportOf(staff, s.erase);
    const gone = before.erase.participants
      .map((p) => p.participant)
      .filter((p) => !erase.participants.some((q) => q.participant === p));
    expect(gone).toHaveLength(1);
    expect(erase.participants).toHaveLength(1);
    expect(erase.devices).toHaveLength(1);
    expect(erase.readings).toHaveLength(3);
    for (const text of erase.files.values()) expect(text).not.toContain(gone[0]);

    // retain: still there, withdrawn_at set, readings only up to it.
    const retain = await exportOf(staff, s.retain);
    expect(retain.participants.map((p) => p.participant).sort()).toEqual(
      before.retain.participants.map((p) => p.participant).sort(),
    );
    const withdrawn = retain.participants.filter((p) => p.withdrawn_at);
    expect(withdrawn).toHaveLength(1);
    const mine = retain.readings.filter((r) => r.participant === withdrawn[0].participant);
    expect(mine).toHaveLength(3);
    for (const r of mine) expect(Date.parse(r.time)).toBeLessThan(Date.parse(withdrawn[0].withdrawn_at));
    expect(retain.readings.some((r) => r.value === "99.5")).toBe(false);
    expect(retain.readings).toHaveLength(6);

    // Their devices are refused from now on (an erased device's credential no longer exists, so
    // its refusal cannot be signed for it: the client reports it as an untrusted answer).
    const refusal = async (device: DeviceClient) => {
      try {
        const r = await device.signed("GET", "/api/v1/devices/me");
        return [r.status, (r.body as { code: string }).code];
      } catch (err) {
        if (err instanceof UntrustedAnswer) return [err.status, err.code];
        throw err;
      }
    };
    expect(await refusal(dev["p3-retain"].device)).toEqual([401, "credential_revoked"]);
    const erased = await refusal(dev["p2-erase"].device);
    expect(erased[0]).toBe(401);
    expect(["credential_revoked", "unknown_credential"]).toContain(erased[1]);
    // The dashboard counts the withdrawals.
    const dash = await (await staff.get(`/api/v1/research/studies/${s.erase}/dashboard`)).json();
    expect(dash.funnel).toMatchObject({ invited: 2, withdrawn: 1 });
  });

  test("the staff study page: dashboard, consent versions, researchers (screenshots at 390 and 1280 px)", async ({
    page,
  }) => {
    await signInOn(page, STAFF.email, STAFF.password);
    await page.goto(`${app.base}/staff/studies`);
    await expect(page.getByTestId("studies")).toContainText("Home heating");
    await shoot(page, "studies-list");
    await page.goto(`${app.base}/staff/studies/${s.erase}`);
    await page.getByRole("tab", { name: "Dashboard" }).click();
    await expect(page.getByTestId("funnel")).toBeVisible();
    await shoot(page, "study-dashboard");
    await page.getByRole("tab", { name: "Consent" }).click();
    await expect(page.getByTestId("consent-versions")).toContainText("Version 1");
    await page.getByRole("tab", { name: "Researchers" }).click();
    await expect(page.getByTestId("researchers")).toContainText(researcher.email);
    await shoot(page, "study-researchers");
    await page.goto(`${app.base}/staff/devices?study=${s.retain}`);
    await expect(page.getByLabel("Study")).toHaveValue(s.retain);
  });
});

import type { APIRequestContext, Page } from "@playwright/test";
import en from "../messages/en.json";
import nl from "../messages/nl.json";
import { claimDevice, signedInApi, staffApi } from "./api";
import { uploadFirmware } from "./firmware-upload";
import { createAccountWithCli, STAFF, uniqueEmail } from "./helpers";
import { startRollout, uniqueRolloutModel, uploadImage } from "./rollout-fixtures";

/**
 * THE list of pages: every page, who may see it, and how to reach each of its states. The
 * accessibility test, the layout test (e2e/pages.spec.ts) and `npm run screenshots`
 * (e2e/screenshots.spec.ts) all read it. A new page is one line here.
 */
export type Role = "signed-out" | "participant" | "viewer" | "researcher" | "staff" | "support";
export const ROLES: Role[] = ["signed-out", "participant", "viewer", "researcher", "staff", "support"];

/** The languages every page is checked in (docs/i18n.md). */
export type Locale = "en" | "nl";
export const LOCALES: Locale[] = ["en", "nl"];

/** A catalog's strings by their key path ("device.danger.releaseButton"). */
function flatten(messages: object, prefix = "", out = new Map<string, string>()) {
  for (const [key, value] of Object.entries(messages))
    if (typeof value === "string") out.set(`${prefix}${key}`, value);
    else flatten(value as object, `${prefix}${key}.`, out);
  return out;
}
const CATALOGS = { en: flatten(en), nl: flatten(nl) };

/**
 * A control's accessible name in `locale`, from its English words: every catalog message with
 * exactly those English words, in that language (and the English itself, for a page that is not
 * translated yet). So the steps below read as English and hold in every language.
 */
export function say(locale: Locale, english: string): RegExp {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const names = new Set([english]);
  for (const [key, text] of CATALOGS.en)
    if (text === english && CATALOGS[locale].has(key)) names.add(CATALOGS[locale].get(key)!);
  return new RegExp(`^(${[...names].map(escape).join("|")})$`);
}

export type Fixture = {
  /** The participant's devices: one sending readings (shared with the viewer), one lost, one released. */
  active: string;
  lost: string;
  released: string;
  /** (1.2) A device of a model with a firmware image: one update failed bad_signature (an open alarm), one queued. */
  updated: string;
  /** A pending invitation's link token (its fragment), for the invitation page. */
  inviteToken: string;
  /** A webhook subscription to device.lost, with the lost device's delivery in its log. */
  webhook: string;
  /** The participant's account id, for the staff account page. */
  participantId: string;
  /** A recruiting study with a consent text, intake questions, a checklist and the researcher's access. */
  study: string;
  /** A running firmware rollout (one device of a model of its own, its command sent). */
  rollout: string;
};

export type PageEntry = {
  /** Screenshot file name and test label. */
  name: string;
  path: (f: Fixture) => string;
  roles: Role[];
  /** Shown once the page's client components have drawn (a CSS selector). */
  ready?: string;
  /** Brings the page into the state to check (a tab, an open dialog or menu), in the page's language. */
  prepare?: (page: Page, locale: Locale) => Promise<void>;
  /** In docs/screenshots/ (npm run screenshots). */
  screenshot?: boolean;
};

const STAFF_ROLES: Role[] = ["staff", "support"];
const SIGNED_IN: Role[] = ["participant", "viewer", "staff", "support"];
/** Opens a page's tab by its value (app/_components/ui/tabs.tsx), the same in every language. */
const tab = (value: string) => async (page: Page) => {
  await page.locator(`[role=tab][id$="-trigger-${value}"]`).click();
};

export const PAGES: PageEntry[] = [
  { name: "home", path: () => "/", roles: ["signed-out"] },
  { name: "sign-in", path: () => "/sign-in", roles: ["signed-out"], screenshot: true },
  { name: "sign-in-claim", path: () => "/sign-in?next=%2Fclaim", roles: ["signed-out"] },
  { name: "forgot-password", path: () => "/forgot-password", roles: ["signed-out"] },
  // Before "invite": a visited invitation link waits in the tab (a reload keeps it).
  { name: "invite-no-token", path: () => "/invite", roles: ["signed-out"], ready: "[data-testid=invite-error]" },
  { name: "invite", path: (f) => `/invite#${f.inviteToken}`, roles: ["signed-out"], ready: "#password" },
  { name: "reset-no-token", path: () => "/reset-password", roles: ["signed-out"], ready: "[data-testid=reset-error]" },
  { name: "not-found", path: () => "/no-such-page", roles: ["signed-out", "participant", "staff"] },
  {
    name: "emulator",
    path: () => "/emulator",
    roles: ["signed-out", "participant"],
    ready: "[data-testid=countdown]",
    screenshot: true,
  },
  { name: "claim", path: () => "/claim", roles: SIGNED_IN, ready: "[data-testid=camera-error]", screenshot: true },
  { name: "devices", path: () => "/devices", roles: SIGNED_IN, screenshot: true },
  {
    name: "device",
    path: (f) => `/devices/${f.active}`,
    roles: ["participant"],
    ready: "[data-testid=chart] figure",
    screenshot: true,
  },
  { name: "device-settings", path: (f) => `/devices/${f.active}`, roles: ["participant"], prepare: tab("settings") },
  { name: "device-sharing", path: (f) => `/devices/${f.active}`, roles: ["participant"], prepare: tab("sharing") },
  { name: "device-export", path: (f) => `/devices/${f.active}`, roles: ["participant"], prepare: tab("export") },
  {
    name: "device-release-dialog",
    path: (f) => `/devices/${f.active}`,
    roles: ["participant"],
    prepare: async (page, locale) => {
      await tab("settings")(page);
      await page.getByRole("button", { name: say(locale, "Release this device") }).click();
      await page.getByRole("alertdialog").waitFor();
    },
  },
  { name: "device-firmware", path: (f) => `/devices/${f.updated}`, roles: ["participant"], prepare: tab("firmware") },
  { name: "device-lost", path: (f) => `/devices/${f.lost}`, roles: ["participant"], screenshot: true },
  { name: "device-released", path: (f) => `/devices/${f.released}`, roles: ["participant"] },
  {
    name: "device-shared",
    path: (f) => `/devices/${f.active}`,
    roles: ["viewer"],
    ready: "[data-testid=chart] figure",
  },
  { name: "account", path: () => "/account", roles: SIGNED_IN },
  { name: "security", path: () => "/account/security", roles: ["participant", "staff"] },
  { name: "tokens", path: () => "/account/tokens", roles: ["participant", "staff"] },
  { name: "fleet", path: () => "/staff/devices", roles: STAFF_ROLES, screenshot: true },
  { name: "staff-device", path: (f) => `/staff/devices/${f.active}`, roles: STAFF_ROLES, screenshot: true },
  // The firmware panel: an open bad_signature alarm, the send form, the update history.
  { name: "staff-device-firmware", path: (f) => `/staff/devices/${f.updated}`, roles: STAFF_ROLES, screenshot: true },
  {
    name: "staff-device-credentials",
    path: (f) => `/staff/devices/${f.active}`,
    roles: ["staff"],
    prepare: tab("credentials"),
  },
  { name: "accounts", path: () => "/staff/accounts", roles: STAFF_ROLES, screenshot: true },
  {
    name: "accounts-menu",
    path: () => "/staff/accounts",
    roles: ["staff"],
    prepare: async (page) => {
      // The first row's menu (its name, "Actions for <email>", differs by row and language).
      await page.locator("main button[aria-haspopup=menu]").first().click();
      await page.getByRole("menu").waitFor();
    },
  },
  { name: "bulk-invite", path: () => "/staff/accounts/bulk-invite", roles: ["staff"] },
  { name: "staff-account", path: (f) => `/staff/accounts/${f.participantId}`, roles: STAFF_ROLES },
  {
    name: "staff-account-delete",
    path: (f) => `/staff/accounts/${f.participantId}`,
    roles: ["staff"],
    prepare: async (page, locale) => {
      await page.getByRole("button", { name: say(locale, "Delete account on request") }).click();
      await page.getByTestId("confirm-dialog").waitFor();
    },
  },
  { name: "audit", path: () => "/staff/audit", roles: STAFF_ROLES, screenshot: true },
  { name: "models", path: () => "/staff/models", roles: STAFF_ROLES },
  { name: "firmware", path: () => "/staff/firmware", roles: STAFF_ROLES },
  { name: "legacy", path: () => "/staff/legacy", roles: STAFF_ROLES },
  { name: "studies", path: () => "/staff/studies", roles: STAFF_ROLES },
  { name: "study-new", path: () => "/staff/studies/new", roles: ["staff"] },
  { name: "study", path: (f) => `/staff/studies/${f.study}`, roles: STAFF_ROLES },
  { name: "study-consent", path: (f) => `/staff/studies/${f.study}`, roles: STAFF_ROLES, prepare: tab("consent") },
  { name: "study-intake", path: (f) => `/staff/studies/${f.study}`, roles: ["staff"], prepare: tab("intake") },
  { name: "study-onboarding", path: (f) => `/staff/studies/${f.study}`, roles: ["staff"], prepare: tab("onboarding") },
  {
    name: "study-researchers",
    path: (f) => `/staff/studies/${f.study}`,
    roles: ["staff"],
    prepare: tab("researchers"),
  },
  { name: "study-dashboard", path: (f) => `/staff/studies/${f.study}`, roles: ["staff"], prepare: tab("dashboard") },
  { name: "research", path: () => "/research", roles: [...SIGNED_IN, "researcher"] },
  { name: "research-study", path: (f) => `/research/${f.study}`, roles: ["researcher"] },
  { name: "keys", path: () => "/staff/keys", roles: STAFF_ROLES },
  { name: "staff-tokens", path: () => "/staff/tokens", roles: STAFF_ROLES },
  { name: "webhooks", path: () => "/staff/webhooks", roles: STAFF_ROLES },
  { name: "webhook", path: (f) => `/staff/webhooks/${f.webhook}`, roles: STAFF_ROLES },
  { name: "firmware-rollouts", path: () => "/staff/firmware/rollouts", roles: STAFF_ROLES },
  { name: "firmware-rollout", path: (f) => `/staff/firmware/rollouts/${f.rollout}`, roles: STAFF_ROLES },
  {
    name: "firmware-rollout-abort",
    path: (f) => `/staff/firmware/rollouts/${f.rollout}`,
    roles: ["staff"],
    prepare: async (page, locale) => {
      await page.getByRole("button", { name: say(locale, "Abort") }).click();
      await page.getByRole("alertdialog").waitFor();
    },
  },
];

/**
 * Loaded and hydrated: the document is complete and two frames have been drawn since (the
 * browser's time zone and anything else hydration redraws). Not "network idle": the emulator
 * and the claim page hold long polls.
 */
export async function settled(page: Page) {
  await page.waitForFunction(() => document.readyState === "complete");
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

export type Sessions = Record<Exclude<Role, "signed-out">, APIRequestContext>;

/**
 * The accounts and devices the pages are seen with: a participant owning an active device
 * with readings (shared with a viewer), a lost one and a released one; a support account; a
 * pending invitation. Returns each role's signed-in API context (its cookies become the
 * browser's) and the fixture.
 */
export async function buildFixture(): Promise<{ fixture: Fixture; sessions: Sessions }> {
  const password = "pages password 123";
  const participant = createAccountWithCli(uniqueEmail("pages-owner"), "participant", password);
  const viewer = createAccountWithCli(uniqueEmail("pages-viewer"), "participant", password);
  const support = createAccountWithCli(uniqueEmail("pages-support"), "support", password);
  const researcher = createAccountWithCli(uniqueEmail("pages-researcher"), "researcher", password);
  const sessions: Sessions = {
    participant: await signedInApi(participant.email, password),
    viewer: await signedInApi(viewer.email, password),
    researcher: await signedInApi(researcher.email, password),
    staff: await signedInApi(STAFF.email, STAFF.password),
    support: await signedInApi(support.email, password),
  };
  const owner = sessions.participant;
  const active = await claimDevice(owner);
  const now = Math.floor(Date.now() / 1000);
  const readings = Array.from({ length: 12 }, (_, i) => [
    { property: "temperature", unit: "Cel", time: now - (12 - i) * 600, value: 20 + Math.sin(i / 2) },
    { property: "co2", unit: "ppm", time: now - (12 - i) * 600, value: 600 + i * 40 },
  ]).flat();
  const sent = await active.device.signed(
    "POST",
    "/api/v1/devices/me/measurements",
    JSON.stringify({ measurements: readings }),
  );
  if (sent.status !== 200) throw new Error(`readings refused: ${JSON.stringify(sent.body)}`);
  const lost = await claimDevice(owner);
  const released = await claimDevice(owner);
  const ok = async <R extends { status(): number; text(): Promise<string> }>(r: Promise<R>, what: string) => {
    const res = await r;
    if (res.status() >= 300) throw new Error(`${what}: ${res.status()} ${await res.text()}`);
    return res;
  };
  const staff = await staffApi();
  const hook = await ok(
    staff.post("/api/v1/staff/webhooks", {
      data: { url: "https://hooks.example.org/pages", events: ["device.lost"], description: "Pages check" },
    }),
    "webhook",
  );
  await ok(owner.post(`/api/v1/devices/${lost.deviceId}/lost`), "lost");
  await ok(owner.post(`/api/v1/devices/${released.deviceId}/release`), "release");
  await ok(owner.post(`/api/v1/devices/${active.deviceId}/shares`, { data: { email: viewer.email } }), "share");
  const invitation = await staff.post("/api/v1/staff/invitations", {
    data: { email: uniqueEmail("pages-invitee"), name: "Ina Invitee", role: "participant" },
  });
  const { link } = (await invitation.json()) as { link: string };
  const found = await staff.get(`/api/v1/staff/accounts?q=${encodeURIComponent(participant.email)}`);
  const { accounts } = (await found.json()) as { accounts: { id: string }[] };
  // A rollout of a model of its own, to one device of another participant (a participant holds at most 3 in e2e).
  const model = uniqueRolloutModel("pages");
  const rolloutOwner = createAccountWithCli(uniqueEmail("pages-rollout"), "participant", password);
  await claimDevice(await signedInApi(rolloutOwner.email, password), {}, { model });
  const { sha256 } = await uploadImage(staff, model);
  const rollout = await startRollout(staff, sha256);
  const updated = await firmwareFixture(owner, staff);
  const study = await studyFixture(staff, researcher.email);
  return {
    fixture: {
      active: active.deviceId,
      lost: lost.deviceId,
      released: released.deviceId,
      updated,
      inviteToken: new URL(link).hash.slice(1),
      webhook: ((await hook.json()) as { view: { id: string } }).view.id,
      participantId: accounts[0].id,
      rollout,
      study,
    },
    sessions,
  };
}

/**
 * A device whose model has signed images: an update it refused for bad_signature (an alarm on
 * every console page until acknowledged) and a newer one still queued. Returns its id.
 */
async function firmwareFixture(owner: APIRequestContext, staff: APIRequestContext): Promise<string> {
  const model = `pages-fw-${Date.now().toString(36)}`;
  const r = await staff.post("/api/v1/staff/models", { data: { model, displayName: "Pages firmware sensor" } });
  if (r.status() !== 200) throw new Error(`model: ${r.status()} ${await r.text()}`);
  const image = (seed: number) => Uint8Array.from({ length: 4096 }, (_, i) => (i + seed) & 0xff);
  const first = await uploadFirmware(staff, { model, version: "1.5.0", image: image(1), notes: "Faster start-up." });
  const second = await uploadFirmware(staff, { model, version: "1.6.0", image: image(2) });
  const device = await claimDevice(owner, {}, { model });
  const send = async (sha256: string) => {
    const res = await staff.post(`/api/v1/staff/devices/${device.deviceId}/firmware-update`, {
      data: { sha256, expiresInDays: 7 },
    });
    if (res.status() !== 201) throw new Error(`firmware update: ${res.status()} ${await res.text()}`);
    return ((await res.json()) as { commandId: string }).commandId;
  };
  const refused = await send(first);
  const ack = await device.device.signed(
    "POST",
    `/api/v1/devices/me/commands/${refused}`,
    JSON.stringify({
      status: "failed",
      detail: "bad_signature: no pinned firmware key 09e17ad8d663a41e",
      firmware: "1.0.0",
    }),
  );
  if (ack.status !== 200) throw new Error(`acknowledgement: ${JSON.stringify(ack.body)}`);
  await send(second);
  return device.deviceId;
}

/**
 * A recruiting study as staff set one up: texts in both languages, a consent text, an intake
 * question of each kind, a checklist, and the researcher's access. Returns its id.
 */
async function studyFixture(staff: APIRequestContext, researcherEmail: string): Promise<string> {
  const ok = async (
    r: Promise<{ status(): number; text(): Promise<string>; json(): Promise<unknown> }>,
    what: string,
  ) => {
    const res = await r;
    if (res.status() >= 300) throw new Error(`${what}: ${res.status()} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  const { id } = (await ok(
    staff.post("/api/v1/staff/studies", {
      data: {
        name: { en: "Warm homes in winter", nl: "Warme huizen in de winter" },
        description: { en: "How warm homes are kept in **winter**.", nl: "Hoe warm huizen in de **winter** blijven." },
        contactEmail: "pages-study@e2e.example.org",
        startsOn: day(-30),
        endsOn: day(365),
        dataPolicy: "retain",
      },
    }),
    "study",
  )) as { id: string };
  const text = {
    en: "## Taking part\nYour readings are kept under a pseudonym when you withdraw (**retain**).",
    nl: "## Meedoen\nAls je stopt, blijven je metingen onder een pseudoniem bewaard (**bewaren**).",
  };
  await ok(staff.post(`/api/v1/staff/studies/${id}/consent-versions`, { data: { text } }), "consent");
  await ok(staff.post(`/api/v1/staff/studies/${id}/status`, { data: { status: "recruiting" } }), "recruiting");
  const questions = [
    {
      kind: "number",
      label: { en: "Floor area of your home", nl: "Woonoppervlak" },
      required: true,
      unit: "m2",
      min: 10,
      max: 500,
    },
    {
      kind: "text",
      label: { en: "How do you heat your home?", nl: "Hoe verwarm je je huis?" },
      required: false,
      maxLength: 200,
    },
    {
      kind: "choice",
      label: { en: "Heating", nl: "Verwarming" },
      required: true,
      choices: [
        { value: "gas", label: { en: "Gas boiler", nl: "Cv-ketel op gas" } },
        { value: "heat-pump", label: { en: "Heat pump", nl: "Warmtepomp" } },
      ],
    },
  ];
  await ok(staff.put(`/api/v1/staff/studies/${id}/intake-questions`, { data: { questions } }), "intake");
  const steps = [
    { kind: "claim_device", model: "sim-room", guideUrl: "https://example.org/guide" },
    { kind: "intake" },
  ];
  await ok(staff.put(`/api/v1/staff/studies/${id}/onboarding-steps`, { data: { steps } }), "checklist");
  const found = (await ok(
    staff.get(`/api/v1/staff/accounts?q=${encodeURIComponent(researcherEmail)}`),
    "researcher",
  )) as {
    accounts: { id: string }[];
  };
  await ok(staff.post(`/api/v1/staff/studies/${id}/researchers`, { data: { userId: found.accounts[0].id } }), "access");
  return id;
}

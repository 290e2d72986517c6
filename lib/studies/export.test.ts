import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { canChangeStaffData, canReadStaffData } from "../auth/roles";
import { auditEvents, users } from "../db/schema";
import { grantResearcher, revokeResearcher, studyReader } from "./access";
import { studyDashboard } from "./dashboard";
import { exportStudy } from "./export";
import { answerIntake, listIntakeQuestions, setIntakeQuestions } from "./intake";
import { dashboardQuerySchema } from "./schemas";
import { claimTestDevice, insertAccount, insertReadings, studyTestBed } from "./test-fixtures";
import { unzip } from "./unzip";
import { withdrawFromStudy } from "./withdraw";

const unzipBody = async (body: ReadableStream<Uint8Array>) =>
  unzip(Buffer.from(await new Response(body).arrayBuffer()));

const bed = studyTestBed();

/** RFC 4180 rows of a CSV text (quoted cells may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += ch;
  }
  expect(quoted).toBe(false);
  expect(row).toEqual([]); // every line ends with CRLF
  return rows;
}

type Field = { name: string; type: string; format?: string; constraints?: Record<string, unknown> };
type Resource = { name: string; path: string; profile: string; schema: { fields: Field[]; primaryKey?: string[] } };

/**
 * The Frictionless Tabular Data Package rules a reader relies on: the descriptor's required
 * properties and name patterns, each resource's file present with a header equal to its
 * schema's fields, and every cell valid for its field's type and constraints, keys unique.
 */
function checkDataPackage(files: Map<string, string>) {
  const pkg = JSON.parse(files.get("datapackage.json")!);
  expect(pkg.profile).toBe("tabular-data-package");
  expect(pkg.name).toMatch(/^[-a-z0-9._/]+$/);
  expect(Number.isNaN(Date.parse(pkg.created))).toBe(false);
  const names = new Set<string>();
  for (const r of pkg.resources as Resource[]) {
    expect(r.name).toMatch(/^[-a-z0-9._/]+$/);
    expect(names.has(r.name)).toBe(false);
    names.add(r.name);
    expect(r.profile).toBe("tabular-data-resource");
    const rows = parseCsv(files.get(r.path)!);
    expect(rows[0]).toEqual(r.schema.fields.map((f) => f.name));
    expect(new Set(rows[0]).size).toBe(rows[0].length);
    const keys = new Set<string>();
    for (const row of rows.slice(1)) {
      expect(row).toHaveLength(r.schema.fields.length);
      r.schema.fields.forEach((f, i) => {
        const v = row[i];
        const where = `${r.name}.${f.name} = ${JSON.stringify(v)}`;
        if (v === "") return expect(f.constraints?.required, where).not.toBe(true);
        if (f.type === "integer") expect(v, where).toMatch(/^-?\d+$/);
        if (f.type === "number") expect(Number.isFinite(Number(v)), where).toBe(true);
        if (f.type === "boolean") expect(["true", "false"], where).toContain(v);
        if (f.type === "datetime") expect(v, where).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
        const c = f.constraints ?? {};
        if (c.enum) expect(c.enum, where).toContain(v);
        if (typeof c.minimum === "number") expect(Number(v), where).toBeGreaterThanOrEqual(c.minimum);
        if (typeof c.maximum === "number") expect(Number(v), where).toBeLessThanOrEqual(c.maximum);
      });
      if (r.schema.primaryKey) {
        const key = r.schema.primaryKey.map((k) => row[rows[0].indexOf(k)]).join("\u0000");
        expect(keys.has(key), `${r.name} key ${key}`).toBe(false);
        keys.add(key);
      }
    }
  }
  expect([...names].sort()).toEqual(["devices", "participants", "readings"]);
  return pkg;
}

async function fixture() {
  const study = await bed.openStudy({ dataPolicy: "retain" });
  await setIntakeQuestions(bed.db, bed.staff, study.id, [
    { kind: "number", label: { en: "Floor area" }, required: true, unit: "m2", min: 10, max: 1000 },
    {
      kind: "choice",
      label: { en: "Heating" },
      required: true,
      choices: [
        { value: "gas", label: { en: "Gas" } },
        { value: "heat-pump", label: { en: "Heat pump" } },
      ],
    },
    { kind: "text", label: { en: "Anything else?" }, required: false, maxLength: 200 },
  ]);
  const [area, heating, note] = await listIntakeQuestions(bed.db, study.id);
  const a = await bed.participant(study);
  const b = await bed.participant(study);
  const invitedOnly = await bed.participant(study, { consent: false });
  await answerIntake(bed.db, a, study.id, {
    answers: { [area.id]: 82.5, [heating.id]: "heat-pump", [note.id]: '=HYPERLINK("x"), said "hi"' },
  });
  const da = await claimTestDevice(bed.database, bed.cfg, a);
  const db_ = await claimTestDevice(bed.database, bed.cfg, b);
  await insertReadings(bed.db, da.deviceId, 120);
  await insertReadings(bed.db, db_.deviceId, 30);
  await bed.db.execute(
    sql`insert into measurements (device_id, property, time, unit, value) values (${da.deviceId}, 'temp.out', '2026-06-02T10:00:00.250Z', null, -3.5)`,
  );
  await withdrawFromStudy(bed.db, b, study.id, b.id);
  return { study, a, b, invitedOnly, da, db_ };
}

describe("study export", () => {
  it("is a valid data package of pseudonymous readings, participants and devices, with no email, account id or address in any file", async () => {
    const { study, a, b, invitedOnly, da, db_ } = await fixture();
    const researcher = await insertAccount(bed.db, "researcher");
    await bed.db.update(users).set({ role: "researcher" }).where(eq(users.id, researcher.id));
    await grantResearcher(bed.db, bed.staff, study.id, researcher.id);
    const reader = await studyReader(bed.db, { id: researcher.id, role: "researcher" }, study.id);
    expect(reader.contacts).toBe(false);
    const { body, filename } = await exportStudy(bed.db, bed.cfg.secretKey, researcher, reader, { pageRows: 50 });
    expect(filename).toBe(`${study.id}-export.zip`);
    const files = await unzipBody(body);
    expect([...files.keys()]).toEqual([
      "datapackage.json",
      "README.md",
      "participants.csv",
      "devices.csv",
      "readings.csv",
    ]);
    checkDataPackage(files);

    const participants = parseCsv(files.get("participants.csv")!);
    const devicesCsv = parseCsv(files.get("devices.csv")!);
    const readings = parseCsv(files.get("readings.csv")!);
    expect(participants).toHaveLength(3); // a and b (withdrawn, retained); the one who never consented is absent
    expect(readings).toHaveLength(1 + 121 + 30);
    expect(devicesCsv).toHaveLength(3);
    for (const row of participants.slice(1)) expect(row[0]).toMatch(/^p_[A-Z2-7]{10}$/);
    for (const row of devicesCsv.slice(1)) expect(row[0]).toMatch(/^d_[A-Z2-7]{10}$/);
    const [, pa, pb] = participants;
    expect(pa.slice(2, 3)).toEqual(["1"]);
    expect(pa[4]).toBe("");
    expect(pa.slice(5)).toEqual(["82.5", "heat-pump", `'=HYPERLINK("x"), said "hi"`]);
    expect(pb[4]).not.toBe("");
    expect(readings).toContainEqual([
      pa[0],
      expect.stringMatching(/^d_/),
      "2026-06-02T10:00:00.250Z",
      "temp.out",
      "-3.5",
      "",
      "signed",
    ]);

    const all = [...files.values()].join("\n");
    expect(all).not.toContain("@");
    for (const secret of [
      a.id,
      b.id,
      invitedOnly.id,
      a.email,
      b.email,
      da.deviceId,
      db_.deviceId,
      da.credentialId,
      "usr_",
      "dev_",
      "crd_",
    ])
      expect(all).not.toContain(secret);
    expect(all).not.toMatch(/\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/);
    expect(all).not.toContain("Test participant"); // names
    const readme = files.get("README.md")!;
    expect(readme).toContain("Version 1");
    expect(readme).toContain("retain");

    const [ev] = await bed.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "study.exported"), eq(auditEvents.actorId, researcher.id)));
    expect(ev.detail).toEqual({ studyId: study.id, participants: 2, devices: 2 });
  });

  it("pseudonyms are stable across exports of a study and differ in another study", async () => {
    const { study, a } = await fixture();
    const other = await bed.openStudy();
    const { inviteToStudy } = await import("./enrol");
    const { consentToStudy } = await import("./consent");
    await inviteToStudy(
      bed.db,
      bed.staff,
      { email: a.email, name: "A", role: "participant", studyId: other.id },
      {
        days: 7,
        publicUrl: "https://x.example",
      },
    );
    await consentToStudy(bed.db, a, other.id, other.consentVersionId);
    const staffReader = (id: string) => studyReader(bed.db, { id: bed.staff.id, role: "staff" }, id);
    const ids = async (studyId: string) =>
      parseCsv(
        (
          await unzipBody((await exportStudy(bed.db, bed.cfg.secretKey, bed.staff, await staffReader(studyId))).body)
        ).get("participants.csv")!,
      )
        .slice(1)
        .map((r) => r[0]);
    const first = await ids(study.id);
    expect(await ids(study.id)).toEqual(first);
    const [inOther] = await ids(other.id);
    expect(first).not.toContain(inOther);
  });

  it("only staff, support and a researcher granted the study read it; everyone else is told it does not exist", async () => {
    const study = await bed.openStudy();
    const researcher = await insertAccount(bed.db, "researcher");
    await bed.db.update(users).set({ role: "researcher" }).where(eq(users.id, researcher.id));
    const participant = await bed.participant(study);
    const code = (viewer: { id: string; role: string }) =>
      studyReader(bed.db, viewer, study.id).then(
        (r) => (r.contacts ? "contacts" : "pseudonymous"),
        (e) => e.code,
      );
    expect(await code({ id: researcher.id, role: "researcher" })).toBe("study_not_found");
    expect(await code({ id: participant.id, role: "participant" })).toBe("study_not_found");
    // A researcher is no kind of staff: every staff read and write refuses the role.
    expect([canReadStaffData("researcher"), canChangeStaffData("researcher")]).toEqual([false, false]);
    expect(await code({ id: bed.staff.id, role: "support" })).toBe("contacts");
    await grantResearcher(bed.db, bed.staff, study.id, researcher.id);
    expect(await code({ id: researcher.id, role: "researcher" })).toBe("pseudonymous");
    expect((await grantResearcher(bed.db, bed.staff, study.id, researcher.id).catch((e) => e)).code).toBe("conflict");
    expect((await grantResearcher(bed.db, bed.staff, study.id, participant.id).catch((e) => e)).code).toBe(
      "invalid_request",
    );
    await revokeResearcher(bed.db, bed.staff, study.id, researcher.id);
    expect(await code({ id: researcher.id, role: "researcher" })).toBe("study_not_found");
  });
});

describe("study dashboard", () => {
  it("counts the funnel, compares readings with what the intervals promise, and names contacts for staff only", async () => {
    const { study, da } = await fixture();
    await bed.db.execute(sql`update devices set last_seen_at = now() - interval '3 days' where id = ${da.deviceId}`);
    const query = dashboardQuerySchema.parse({ from: "2026-06-01", to: "2026-06-02", silentHours: "48" });
    const now = new Date();
    const staffView = await studyDashboard(
      bed.db,
      bed.cfg.secretKey,
      await studyReader(bed.db, { id: bed.staff.id, role: "staff" }, study.id),
      query,
      now,
    );
    expect(staffView.funnel).toEqual({
      invited: 3,
      accepted: 2,
      consented: 2,
      deviceClaimed: 2,
      reportedLast24h: 0,
      withdrawn: 1,
    });
    // Readings of 2026-06-01 (a minute apart) from both devices; none expected: they were claimed today.
    expect(staffView.completeness).toEqual([
      { day: "2026-06-01", received: 150, expected: 0 },
      { day: "2026-06-02", received: 1, expected: 0 },
    ]);
    expect(staffView.silent).toHaveLength(1);
    expect(staffView.silent[0].contact?.email).toMatch(/@example\.org$/);

    const researcher = await insertAccount(bed.db, "researcher");
    await bed.db.update(users).set({ role: "researcher" }).where(eq(users.id, researcher.id));
    await grantResearcher(bed.db, bed.staff, study.id, researcher.id);
    const researcherView = await studyDashboard(
      bed.db,
      bed.cfg.secretKey,
      await studyReader(bed.db, { id: researcher.id, role: "researcher" }, study.id),
      query,
      now,
    );
    expect(researcherView.silent[0]).not.toHaveProperty("contact");
    expect(JSON.stringify(researcherView)).not.toMatch(/@|usr_|dev_/);

    // Today, with the device's one-minute interval: about as many expected as minutes since its claim.
    const today = now.toISOString().slice(0, 10);
    const todayView = await studyDashboard(
      bed.db,
      bed.cfg.secretKey,
      await studyReader(bed.db, { id: bed.staff.id, role: "staff" }, study.id),
      dashboardQuerySchema.parse({ from: today, to: today }),
      new Date(now.getTime() + 3600_000),
    );
    // One device still in the study (b withdrew): 60 readings expected in the hour since its claim.
    expect(todayView.completeness[0].expected).toBeGreaterThanOrEqual(59);
    expect(todayView.completeness[0].expected).toBeLessThanOrEqual(61 + 1);
  });
});

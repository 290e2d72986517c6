// The study spec's hands in the database (e2e/studies-participant.spec.ts): the staff side of a
// study (create it, its consent versions, intake and checklist, invitations) is done here with
// the lib/studies use cases, as staff would through their pages, and rows are counted. Run with
// tsx, one JSON command as the argument, the JSON result on stdout. On the embedded database the
// app must be stopped (the directory is locked while it runs); on PostgreSQL it may run.
import { sql } from "drizzle-orm";
import { createInvitation } from "../lib/accounts/invitations";
import { createUser, findUserByEmail } from "../lib/accounts/users";
import { newUserSchema } from "../lib/accounts/schemas";
import { consentToStudy } from "../lib/studies/consent";
import type { Actor } from "../lib/audit/record";
import { openDatabase, rowsOf, type Db } from "../lib/db/client";
import { env } from "../lib/env";
import { reviseConsent } from "../lib/studies/consent-versions";
import { inviteToStudy } from "../lib/studies/enrol";
import { setIntakeQuestions } from "../lib/studies/intake";
import { setOnboardingSteps } from "../lib/studies/onboarding";
import { createStudySchema, intakeQuestionSchema } from "../lib/studies/schemas";
import { changeStudyStatus, createStudy } from "../lib/studies/studies";

const STAFF: Actor = { id: null, label: "e2e study setup", ip: null };

export const CONSENT_V1 = [
  "## Taking part",
  "",
  "We measure the **temperature** in your living room once a minute. <b>raw html</b>",
  "",
  "- You can withdraw at any time from your account page.",
  "- [Click me](javascript:alert(1))",
].join("\n");

async function makeStudy(db: Db, name: string, dataPolicy: "erase" | "retain", models: string[]) {
  const s = await createStudy(
    db,
    STAFF,
    env().secretKey,
    createStudySchema.parse({
      name: { en: name },
      description: { en: `${name}: how warm homes are kept in winter.` },
      contactEmail: "study@e2e.example.org",
      startsOn: "2026-01-01",
      endsOn: "2099-12-31",
      models,
      dataPolicy,
    }),
  );
  const policy =
    dataPolicy === "erase"
      ? "If you withdraw, your data in this study is deleted."
      : "If you withdraw, the data collected until then stays, without your name.";
  const { version } = await reviseConsent(db, STAFF, s.id, {
    text: { en: `${CONSENT_V1}\n\n${policy}` },
    requiresReconsent: false,
  });
  const questions = await setIntakeQuestions(db, STAFF, s.id, [
    intakeQuestionSchema.parse({
      kind: "number",
      label: { en: "Floor area of your home" },
      unit: "m2",
      min: 10,
      max: 500,
    }),
    intakeQuestionSchema.parse({
      kind: "choice",
      label: { en: "How is your home heated?" },
      choices: [
        { value: "gas", label: { en: "Gas boiler" } },
        { value: "heat-pump", label: { en: "Heat pump" } },
      ],
    }),
    intakeQuestionSchema.parse({ kind: "text", label: { en: "Anything else?" }, required: false, maxLength: 100 }),
  ]);
  await setOnboardingSteps(db, STAFF, s.id, [
    ...models.map((model) => ({ kind: "claim_device" as const, model, guideUrl: "https://example.org/guide" })),
    { kind: "intake" as const },
  ]);
  await changeStudyStatus(db, STAFF, s.id, "recruiting");
  return { id: s.id, consentVersionId: version.id, questions: questions.map((q) => q.id) };
}

const count = async (db: Db, query: ReturnType<typeof sql>) =>
  Number(rowsOf<{ n: number | string }>(await db.execute(query))[0].n);

async function run(db: Db, cmd: Record<string, unknown>): Promise<unknown> {
  const opts = { days: 7, publicUrl: env().publicUrl };
  switch (cmd.op) {
    case "study":
      return makeStudy(db, String(cmd.name), cmd.policy as "erase" | "retain", (cmd.models as string[]) ?? []);
    case "invite": {
      const r = await createInvitation(
        db,
        STAFF,
        { email: String(cmd.email), name: "Pat Participant", role: "participant", studyId: String(cmd.studyId) },
        opts,
      );
      return { link: r.link };
    }
    case "account": {
      // A participant account, enrolled in `studies` (and consented to their current versions when `consent`).
      const u = await createUser(
        db,
        STAFF,
        newUserSchema.parse({ email: cmd.email, name: "Pat Participant", role: "participant", password: cmd.password }),
      );
      for (const s of (cmd.studies as { id: string; consentVersionId: string }[]) ?? []) {
        await inviteToStudy(db, STAFF, { email: u.email, name: u.name, role: "participant", studyId: s.id }, opts);
        if (cmd.consent) await consentToStudy(db, { id: u.id, label: u.email, ip: null }, s.id, s.consentVersionId);
      }
      return { id: u.id, email: u.email };
    }
    case "enrol":
      return inviteToStudy(
        db,
        STAFF,
        { email: String(cmd.email), name: "Pat Participant", role: "participant", studyId: String(cmd.studyId) },
        opts,
      );
    case "reconsent": {
      const { version } = await reviseConsent(db, STAFF, String(cmd.studyId), {
        text: { en: `${CONSENT_V1}\n\nFrom now on we also measure **humidity**.` },
        changes: { en: "We now also measure **humidity**." },
        requiresReconsent: true,
      });
      return { versionId: version.id, version: version.version };
    }
    case "readings": {
      // Older readings, inserted directly (a year of them would take the API hours).
      await db.execute(sql`
        insert into measurements (device_id, property, time, unit, value)
        select ${String(cmd.deviceId)}, 'temperature', to_timestamp(1751328000 + g * 60), 'Cel', 20 + (g % 50) / 10.0
          from generate_series(0, ${Number(cmd.n) - 1}) as g`);
      return { inserted: cmd.n };
    }
    case "user": {
      const u = await findUserByEmail(db, String(cmd.email));
      return u ? { id: u.id, email: u.email, deletedAt: u.deletedAt } : null;
    }
    case "rows": {
      // Every row of the participant's in the study (devices passed in: after an erasure the device rows are gone).
      const userId = cmd.email ? (await findUserByEmail(db, String(cmd.email)))!.id : String(cmd.userId);
      const studyId = String(cmd.studyId);
      const ids = `{${(cmd.deviceIds as string[]).join(",")}}`;
      const devs = sql`(select id from devices where (study_id = ${studyId} and owner_id = ${userId}) or id = any(${ids}::text[]))`;
      return {
        devices: await count(db, sql`select count(*) as n from devices where id in ${devs}`),
        readings: await count(db, sql`select count(*) as n from measurements where device_id in ${devs}`),
        credentials: await count(db, sql`select count(*) as n from device_credentials where device_id in ${devs}`),
        intakeAnswers: await count(
          db,
          sql`select count(*) as n from intake_answers a join enrolments e on e.id = a.enrolment_id where e.study_id = ${studyId} and e.user_id = ${userId}`,
        ),
        claims: await count(
          db,
          sql`select count(*) as n from claims where user_id = ${userId} and study_id = ${studyId}`,
        ),
        openErasures: await count(
          db,
          sql`select count(*) as n from erasures where user_id = ${userId} and study_id = ${studyId} and completed_at is null`,
        ),
      };
    }
    case "state": {
      const [e] = rowsOf<{ consent_version_id: string | null; withdrawn_at: string | null }>(
        await db.execute(
          sql`select consent_version_id, withdrawn_at from enrolments where study_id = ${String(cmd.studyId)} and user_id = ${String(cmd.userId)}`,
        ),
      );
      return e ?? null;
    }
    default:
      throw new Error(`unknown op ${String(cmd.op)}`);
  }
}

async function main() {
  const e = env();
  const database = e.DATABASE_URL
    ? await openDatabase({ driver: "postgres", url: e.DATABASE_URL, max: 2 })
    : await openDatabase({ driver: "pglite", dataDir: e.dataDir });
  try {
    const cmds = JSON.parse(process.argv[2]) as Record<string, unknown>[];
    const out = [];
    for (const c of cmds) out.push(await run(database.db, c));
    process.stdout.write(JSON.stringify(out));
  } finally {
    await database.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

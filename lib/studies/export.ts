import { Readable } from "node:stream";
import { and, asc, eq, inArray, lt, sql } from "drizzle-orm";
import { ZipFile } from "yazl";
import { recordAudit, type Actor } from "../audit/record";
import type { SealKeys } from "../crypto/seal";
import { csvCell } from "../csv";
import type { Db } from "../db/client";
import { intakeAnswers, measurements, type VerificationLevel } from "../db/schema";
import { listConsentVersions } from "./consent-versions";
import { dataPackage, readme, resourcesOf } from "./export-package";
import { listIntakeQuestions } from "./intake";
import { openStudyKey, pseudonymizer, type Pseudonymizer } from "./pseudonyms";
import type { StudyReader } from "./access";
import { visibleDevices, visibleEnrolments } from "./visible";
import { loggableError } from "../errors/problem";

// A study's export: a Frictionless Data Package in a zip (lib/studies/export-package.ts),
// streamed in constant memory. Readings are read a page at a time per device (keyset over the
// measurements key), turned into CSV and deflated by yazl (docs/decisions/0012) as the client
// reads: a study of ten million readings never sits in memory. Pseudonyms only: no email, name,
// address or account id is ever read into it.

export const EXPORT_PAGE_ROWS = 5000;

type Reading = {
  deviceId: string;
  property: string;
  time: Date;
  value: number;
  unit: string | null;
  verification: VerificationLevel;
};
type Dev = Awaited<ReturnType<typeof visibleDevices>>[number];

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : "");
const line = (cells: string[]) => cells.join(",") + "\r\n";
/** A number as text a CSV reader parses back to the same double (Frictionless `number`). */
const num = (n: number) => String(n);

/** One page of a device's readings after `cursor` (its key), before the device's cut-off. */
async function readingsPage(
  db: Db,
  dev: Dev,
  cursor: { property: string; time: Date } | null,
  rows: number,
): Promise<Reading[]> {
  return db
    .select({
      deviceId: measurements.deviceId,
      property: measurements.property,
      time: measurements.time,
      value: measurements.value,
      unit: measurements.unit,
      verification: measurements.verification,
    })
    .from(measurements)
    .where(
      and(
        eq(measurements.deviceId, dev.id),
        // Under `retain`, nothing after the withdrawal (the credentials were revoked then anyway).
        dev.withdrawnAt ? lt(measurements.time, dev.withdrawnAt) : undefined,
        cursor
          ? sql`(${measurements.property}, ${measurements.time}) > (${cursor.property}, ${cursor.time.toISOString()}::timestamptz)`
          : undefined,
      ),
    )
    .orderBy(asc(measurements.property), asc(measurements.time))
    .limit(rows);
}

function readingLines(p: Pseudonymizer, dev: Dev, rows: Reading[]): string {
  const participant = p.participant(dev.ownerId);
  const device = p.device(dev.id);
  let out = "";
  for (const r of rows)
    out += line([participant, device, iso(r.time), csvCell(r.property), num(r.value), csvCell(r.unit), r.verification]);
  return out;
}

/** readings.csv, page by page; the first page was read before the export answered. */
async function* readingsCsv(db: Db, p: Pseudonymizer, devs: Dev[], header: string, first: Reading[], rows: number) {
  try {
    yield* readingsChunks(db, p, devs, header, first, rows);
  } catch (err) {
    // The answer has started: the download ends broken, and the cause goes to the log only.
    console.error("[studies] export failed mid-stream:", loggableError(err));
    throw err;
  }
}

async function* readingsChunks(db: Db, p: Pseudonymizer, devs: Dev[], header: string, first: Reading[], rows: number) {
  yield Buffer.from(header);
  for (let i = 0; i < devs.length; i++) {
    let page = i === 0 ? first : await readingsPage(db, devs[i], null, rows);
    for (;;) {
      if (page.length) yield Buffer.from(readingLines(p, devs[i], page));
      if (page.length < rows) break;
      const last = page[page.length - 1];
      page = await readingsPage(db, devs[i], { property: last.property, time: last.time }, rows);
    }
  }
}

/**
 * The study `reader` may read, as a streamed zip: everything small (package description,
 * README, participants, devices) and the first page of readings are read before this returns,
 * so a refusal or a failing query is an error here, not a broken download. The download is
 * audited. Only consent versions already shown to participants are included.
 */
export async function exportStudy(
  db: Db,
  keys: SealKeys,
  actor: Actor,
  reader: StudyReader,
  opts: { pageRows?: number; now?: Date } = {},
): Promise<{ filename: string; body: ReadableStream<Uint8Array> }> {
  const { study } = reader;
  const rows = opts.pageRows ?? EXPORT_PAGE_ROWS;
  const created = opts.now ?? new Date();
  const p = pseudonymizer(openStudyKey(keys, study.id, study.pseudonymKeySealed));
  const [enrolled, devs, versions, questions] = await Promise.all([
    visibleEnrolments(db, study.id),
    visibleDevices(db, study.id),
    listConsentVersions(db, study.id),
    listIntakeQuestions(db, study.id),
  ]);
  const shown = versions.filter((v) => v.firstShownAt);
  const versionOf = new Map(versions.map((v) => [v.id, v.version]));
  const answers = enrolled.length
    ? await db
        .select()
        .from(intakeAnswers)
        .where(
          inArray(
            intakeAnswers.enrolmentId,
            enrolled.map((e) => e.id),
          ),
        )
    : [];
  const answerOf = new Map(answers.map((a) => [`${a.enrolmentId} ${a.questionId}`, a.value]));
  const first = devs.length ? await readingsPage(db, devs[0], null, rows) : [];

  const resources = resourcesOf(questions);
  const header = (name: string) => line(resources.find((r) => r.name === name)!.fields.map((f) => f.name));
  let participantsCsv = header("participants");
  for (const e of enrolled) {
    const cells = [
      p.participant(e.userId),
      iso(e.acceptedAt ?? e.consentedAt),
      String(versionOf.get(e.consentVersionId!) ?? ""),
      iso(e.consentedAt),
      iso(e.withdrawnAt),
    ];
    for (const q of questions) {
      const v = answerOf.get(`${e.id} ${q.id}`);
      cells.push(v === undefined ? "" : q.kind === "number" ? v : csvCell(v));
    }
    participantsCsv += line(cells);
  }
  let devicesCsv = header("devices");
  for (const d of devs)
    devicesCsv += line([
      p.device(d.id),
      p.participant(d.ownerId),
      csvCell(d.model),
      csvCell(d.firmware),
      iso(d.createdAt),
      iso(d.releasedAt),
      String(d.measurementIntervalSeconds),
    ]);

  await recordAudit(db, actor, {
    action: "study.exported",
    outcome: "success",
    detail: { studyId: study.id, participants: enrolled.length, devices: devs.length },
  });

  const zip = new ZipFile();
  const mtime = created;
  zip.addBuffer(
    Buffer.from(JSON.stringify(dataPackage(study, resources, created), null, 2) + "\n"),
    "datapackage.json",
    { mtime },
  );
  zip.addBuffer(
    Buffer.from(readme(study, shown, resources, { participants: enrolled.length, devices: devs.length }, created)),
    "README.md",
    { mtime },
  );
  zip.addBuffer(Buffer.from(participantsCsv), "participants.csv", { mtime });
  zip.addBuffer(Buffer.from(devicesCsv), "devices.csv", { mtime });
  zip.addReadStreamLazy("readings.csv", { mtime }, (cb) =>
    cb(null, Readable.from(readingsCsv(db, p, devs, header("readings"), first, rows), { objectMode: false })),
  );
  zip.end();
  const body = Readable.toWeb(zip.outputStream as Readable) as ReadableStream<Uint8Array>;
  return { filename: `${study.id}-export.zip`, body };
}

import { z } from "zod";
import { recordAudit, type Actor } from "../audit/record";
import { parseCsvLine } from "../csv";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { LOCALES, type Locale } from "../i18n/locales";
import { idSchema } from "../ids";
import { createInvitation, type PendingInvitation } from "./invitations";
import { invitationInputSchema, type InvitationInput } from "./schemas";
import { findUserByEmail } from "./users";
import { inviteToStudy } from "../studies/enrol";

// Invitations from a CSV file (email, name, role): every line is checked on its own and the
// report says, line by line, what was invited and what was rejected and why.

export const MAX_BULK_INVITATIONS = 500;
export const MAX_BULK_CSV_BYTES = 128 * 1024;

export const bulkInvitationSchema = z.strictObject({
  studyId: idSchema("stu").optional(),
  // The language of every invitation mail of this batch; else CLAIMLINK_DEFAULT_LOCALE.
  locale: z.enum(LOCALES).optional(),
  csv: z.string().min(1, "is required").max(MAX_BULK_CSV_BYTES, `must be at most ${MAX_BULK_CSV_BYTES} characters`),
});

export type BulkLine =
  | { line: number; status: "rejected"; email: string | null; reason: string }
  | { line: number; status: "valid"; input: InvitationInput };

const HEADER = /^\s*email\s*,\s*name\s*(,\s*role\s*)?$/i;

/** Checks each line of the CSV; a first line `email,name[,role]` is a header. Pure: no database. */
export function checkInvitationCsv(csv: string): BulkLine[] {
  const lines = csv.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  const out: BulkLine[] = [];
  const seen = new Map<string, number>();
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === "" || (i === 0 && HEADER.test(raw))) return;
    const cells = parseCsvLine(raw);
    if (!cells)
      return out.push({
        line,
        status: "rejected",
        email: null,
        reason: "A quote is not closed, or stands inside a cell.",
      });
    if (cells.length < 2 || cells.length > 3)
      return out.push({
        line,
        status: "rejected",
        email: cells[0]?.trim() || null,
        reason: `Expected 2 or 3 columns (email, name, role), found ${cells.length}.`,
      });
    const [email, name, role] = cells.map((c) => c.trim());
    const parsed = invitationInputSchema.safeParse({ email, name, ...(role ? { role } : {}) });
    if (!parsed.success) {
      const reason = parsed.error.issues.map((iss) => `${iss.path.join(".") || "line"} ${iss.message}`).join("; ");
      return out.push({ line, status: "rejected", email: email || null, reason });
    }
    const earlier = seen.get(parsed.data.email);
    if (earlier)
      return out.push({ line, status: "rejected", email: parsed.data.email, reason: `Same email as line ${earlier}.` });
    seen.set(parsed.data.email, line);
    out.push({ line, status: "valid", input: parsed.data });
  });
  if (out.length === 0) throw new AppError("invalid_request", "The file has no invitation lines.");
  if (out.length > MAX_BULK_INVITATIONS)
    throw new AppError("invalid_request", `At most ${MAX_BULK_INVITATIONS} lines per file; split it.`);
  return out;
}

export type BulkInvited = { line: number; email: string; invitation: PendingInvitation; link: string };
/** A line whose email already had a participant's account: enrolled in the study, no link. */
export type BulkEnrolled = { line: number; email: string; enrolmentId: string };
export type BulkRejected = { line: number; email: string | null; reason: string };

/**
 * Creates an invitation for every valid line (an email with an account is rejected, a pending
 * invitation is replaced as for a single one), then records one audit event with the counts.
 * With `studyId` every line is a participant invited into that study: a line with another role
 * is rejected, and an email that already has a participant's account is enrolled (no link).
 */
export async function createBulkInvitations(
  db: Db,
  actor: Actor,
  csv: string,
  opts: { days: number; publicUrl: string; studyId?: string; locale?: Locale },
): Promise<{ invited: BulkInvited[]; enrolled: BulkEnrolled[]; rejected: BulkRejected[] }> {
  const checked = checkInvitationCsv(csv);
  const invited: BulkInvited[] = [];
  const enrolled: BulkEnrolled[] = [];
  const rejected: BulkRejected[] = [];
  const { studyId, locale, ...linkOpts } = opts;
  for (const c of checked) {
    if (c.status === "rejected") {
      rejected.push({ line: c.line, email: c.email, reason: c.reason });
      continue;
    }
    const l = { ...c, input: { ...c.input, ...(locale ? { locale } : {}) } };
    if (studyId) {
      if (l.input.role !== "participant") {
        rejected.push({ line: l.line, email: l.input.email, reason: "Only participants are invited into a study." });
        continue;
      }
      try {
        const r = await inviteToStudy(db, actor, { ...l.input, studyId }, linkOpts);
        if (r.kind === "invited") invited.push({ line: l.line, email: l.input.email, ...r });
        else enrolled.push({ line: l.line, email: l.input.email, enrolmentId: r.enrolmentId });
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        // The study itself cannot recruit: no line can succeed, so the whole file is refused.
        if (err.code === "study_not_found" || err.code === "study_closed") throw err;
        rejected.push({ line: l.line, email: l.input.email, reason: err.detail });
      }
      continue;
    }
    if (await findUserByEmail(db, l.input.email)) {
      rejected.push({ line: l.line, email: l.input.email, reason: "An account with this email already exists." });
      continue;
    }
    try {
      const r = await createInvitation(db, actor, l.input, linkOpts);
      invited.push({ line: l.line, email: l.input.email, ...r });
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      rejected.push({ line: l.line, email: l.input.email, reason: err.detail });
    }
  }
  await recordAudit(db, actor, {
    action: "invitation.bulk_created",
    outcome: "success",
    detail: {
      invited: invited.length,
      rejected: rejected.length,
      lines: checked.length,
      ...(studyId ? { studyId, enrolled: enrolled.length } : {}),
    },
  });
  return { invited, enrolled, rejected };
}

import { z } from "zod";
import { utcDaySchema } from "../dates";
import { emailSchema } from "../accounts/schemas";
import { INTAKE_KINDS, STUDY_STATUSES } from "../db/schema";
import { hasNoControlChars } from "../errors/validate";
import { idSchema } from "../ids";

// Every input of the study use cases, strict (unknown keys refused) and bounded, ready to be
// declared on the API router. The use cases take what these schemas parsed.

/** A line of text a participant reads: no control characters. */
const line = (max: number) =>
  z
    .string()
    .trim()
    .min(1, "is required")
    .max(max, `must be at most ${max} characters`)
    .refine(hasNoControlChars, "must not contain control characters");

/** True when text has no control characters but tab, line feed and carriage return. */
export function isMarkdownSafe(s: string): boolean {
  return ![...s].some((c) => {
    const n = c.charCodeAt(0);
    return (n < 0x20 && c !== "\t" && c !== "\n" && c !== "\r") || n === 0x7f;
  });
}

/** Markdown: line breaks and tabs allowed, other control characters not. */
const markdown = (max: number) =>
  z
    .string()
    .trim()
    .min(1, "is required")
    .max(max, `must be at most ${max} characters`)
    .refine(isMarkdownSafe, "must not contain control characters");

/** Text per language (nl, en): at least one of them. */
export const localized = (text: z.ZodType<string>) =>
  z
    .strictObject({ nl: text.optional(), en: text.optional() })
    .refine((t) => t.nl !== undefined || t.en !== undefined, "needs the text in at least one language (nl or en)");

export { utcDaySchema };

const httpsUrl = z
  .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
  .max(500, "must be at most 500 characters");
const modelName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "must be a device model name");

export const studyStatusSchema = z.enum(STUDY_STATUSES);
export const dataPolicySchema = z.enum(["erase", "retain"]);
export const pendingConsentReadingsSchema = z.enum(["pause", "continue"]);

const studyFields = {
  name: localized(line(120)),
  description: localized(markdown(4000)),
  infoUrl: httpsUrl.nullable().optional(),
  contactEmail: emailSchema,
  startsOn: utcDaySchema,
  endsOn: utcDaySchema,
  models: z.array(modelName).max(20, "at most 20 models").default([]),
  dataPolicy: dataPolicySchema,
  pendingConsentReadings: pendingConsentReadingsSchema.default("pause"),
};

const datesOrdered = (s: { startsOn?: string; endsOn?: string }) => !s.startsOn || !s.endsOn || s.startsOn <= s.endsOn;

export const createStudySchema = z
  .strictObject(studyFields)
  .refine(datesOrdered, { message: "must not be before the start", path: ["endsOn"] });

/** Any subset of the study's fields; the status changes through `studyStatusChangeSchema`. */
export const editStudySchema = z
  .strictObject({
    name: studyFields.name.optional(),
    description: studyFields.description.optional(),
    infoUrl: httpsUrl.nullable().optional(),
    contactEmail: emailSchema.optional(),
    startsOn: utcDaySchema.optional(),
    endsOn: utcDaySchema.optional(),
    models: z.array(modelName).max(20).optional(),
    dataPolicy: dataPolicySchema.optional(),
    pendingConsentReadings: pendingConsentReadingsSchema.optional(),
  })
  .refine((s) => Object.keys(s).length > 0, "changes nothing")
  .refine(datesOrdered, { message: "must not be before the start", path: ["endsOn"] });

export const studyStatusChangeSchema = z.strictObject({ status: studyStatusSchema });

export const consentRevisionSchema = z.strictObject({
  text: localized(markdown(20_000)),
  changes: localized(markdown(4000)).optional(),
  requiresReconsent: z.boolean().default(false),
});

export const consentSchema = z.strictObject({ versionId: idSchema("cnv") });

const choiceValue = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, "must be a short code (a-z, 0-9, _ and -)");

export const intakeQuestionSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("text"),
    label: localized(line(300)),
    required: z.boolean().default(true),
    maxLength: z.number().int().min(1).max(2000).default(200),
  }),
  z
    .strictObject({
      kind: z.literal("number"),
      label: localized(line(300)),
      required: z.boolean().default(true),
      unit: z
        .string()
        .regex(/^[\x21-\x7e]{1,16}$/, "must be 1 to 16 printable characters")
        .nullable()
        .default(null),
      min: z.number().finite(),
      max: z.number().finite(),
    })
    .refine((q) => q.min <= q.max, { message: "must not be below min", path: ["max"] }),
  z.strictObject({
    kind: z.literal("choice"),
    label: localized(line(300)),
    required: z.boolean().default(true),
    choices: z
      .array(z.strictObject({ value: choiceValue, label: localized(line(120)) }))
      .min(2, "needs at least two choices")
      .max(30, "at most 30 choices")
      .refine((cs) => new Set(cs.map((c) => c.value)).size === cs.length, "values must differ"),
  }),
]);
export const intakeKindSchema = z.enum(INTAKE_KINDS);

/** The study's intake questions, in order (replacing the previous list while nobody answered). */
export const intakeQuestionsSchema = z.strictObject({
  questions: z.array(intakeQuestionSchema).max(50, "at most 50 questions"),
});

/** A participant's answers by question id: text, a number, or a choice's value; null clears. */
export const intakeAnswersSchema = z.strictObject({
  answers: z
    .record(idSchema("itq"), z.union([z.string().max(2000), z.number(), z.null()]))
    .refine((r) => Object.keys(r).length >= 1 && Object.keys(r).length <= 50, "needs 1 to 50 answers"),
});

export const onboardingStepSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("claim_device"), model: modelName, guideUrl: httpsUrl.nullable().default(null) }),
  z.strictObject({ kind: z.literal("intake") }),
]);
export const onboardingStepsSchema = z.strictObject({ steps: z.array(onboardingStepSchema).max(20) });

/** Staff acting for a participant (withdrawal, account deletion on request) give a reason. */
export const staffReasonSchema = z.strictObject({ reason: line(500) });

export const researcherGrantSchema = z.strictObject({ userId: idSchema("usr") });

export const dashboardQuerySchema = z.strictObject({
  from: utcDaySchema.optional(),
  to: utcDaySchema.optional(),
  silentHours: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24),
});

export type CreateStudyInput = z.infer<typeof createStudySchema>;
export type EditStudyInput = z.infer<typeof editStudySchema>;
export type ConsentRevisionInput = z.infer<typeof consentRevisionSchema>;
export type IntakeQuestionInput = z.infer<typeof intakeQuestionSchema>;
export type IntakeAnswersInput = z.infer<typeof intakeAnswersSchema>;
export type OnboardingStepInput = z.infer<typeof onboardingStepSchema>;
export type DashboardQuery = z.infer<typeof dashboardQuerySchema>;

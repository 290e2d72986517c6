import type { IntakeQuestion, LocalizedText, Study } from "../db/schema";
import type { ConsentVersionView } from "./consent-versions";

// The description of a study export as a Frictionless Data Package
// (https://specs.frictionlessdata.io/tabular-data-package/): datapackage.json with each CSV's
// columns and types, and a README for people. Pure: no database.

export type FieldType = "string" | "number" | "integer" | "boolean" | "datetime";
export type Field = {
  name: string;
  type: FieldType;
  description: string;
  format?: string;
  constraints?: { required?: boolean; enum?: string[]; minimum?: number; maximum?: number };
};
export type Resource = { name: string; path: string; fields: Field[]; primaryKey?: string[] };

/** A study's text in English when there is one, else Dutch. */
export const textOf = (t: LocalizedText) => t.en ?? t.nl ?? "";

/** The column of intake question `q` in participants.csv. */
export const intakeColumn = (q: Pick<IntakeQuestion, "position">) => `intake_${q.position}`;

const datetime = (name: string, description: string, required = false): Field => ({
  name,
  type: "datetime",
  format: "any",
  description: `${description} (UTC, ISO 8601)`,
  ...(required ? { constraints: { required: true } } : {}),
});

export function resourcesOf(questions: IntakeQuestion[]): Resource[] {
  return [
    {
      name: "participants",
      path: "participants.csv",
      primaryKey: ["participant"],
      fields: [
        {
          name: "participant",
          type: "string",
          description: "The participant's pseudonym in this study",
          constraints: { required: true },
        },
        datetime("enrolled_at", "When they accepted the invitation"),
        { name: "consent_version", type: "integer", description: "The consent version they last consented to" },
        datetime("consented_at", "When they first consented"),
        datetime("withdrawn_at", "When they withdrew (empty: still taking part)"),
        ...questions.map((q): Field => {
          const description = `Intake: ${textOf(q.label)}`;
          if (q.kind === "number")
            return {
              name: intakeColumn(q),
              type: "number",
              description: q.unit ? `${description} [${q.unit}]` : description,
              constraints: {
                ...(q.min !== null ? { minimum: q.min } : {}),
                ...(q.max !== null ? { maximum: q.max } : {}),
              },
            };
          if (q.kind === "choice")
            return {
              name: intakeColumn(q),
              type: "string",
              description,
              constraints: { enum: (q.choices ?? []).map((c) => c.value) },
            };
          return { name: intakeColumn(q), type: "string", description };
        }),
      ],
    },
    {
      name: "devices",
      path: "devices.csv",
      primaryKey: ["device"],
      fields: [
        {
          name: "device",
          type: "string",
          description: "The device's pseudonym in this study",
          constraints: { required: true },
        },
        {
          name: "participant",
          type: "string",
          description: "Its participant's pseudonym",
          constraints: { required: true },
        },
        { name: "model", type: "string", description: "Device model" },
        { name: "firmware", type: "string", description: "Firmware version when last provisioned" },
        datetime("claimed_at", "When it was claimed for the study", true),
        datetime("released_at", "When it left the study (withdrawal or release)"),
        { name: "measurement_interval_seconds", type: "integer", description: "Its measurement interval" },
      ],
    },
    {
      name: "readings",
      path: "readings.csv",
      primaryKey: ["device", "property", "time"],
      fields: [
        { name: "participant", type: "string", description: "Participant pseudonym", constraints: { required: true } },
        { name: "device", type: "string", description: "Device pseudonym", constraints: { required: true } },
        datetime("time", "When the reading was taken, as the device reported it", true),
        { name: "property", type: "string", description: "What was measured", constraints: { required: true } },
        { name: "value", type: "number", description: "The value", constraints: { required: true } },
        { name: "unit", type: "string", description: "UCUM unit as the device sent it (may be empty)" },
        {
          name: "verification",
          type: "string",
          description:
            "How the sender was verified: signed (the device's Claimlink credential), " +
            "secret (a legacy node's issued secret), none (a legacy node's hardware id only)",
          constraints: { required: true, enum: ["signed", "secret", "none"] },
        },
      ],
    },
  ];
}

/** datapackage.json, as an object. */
export function dataPackage(study: Study, resources: Resource[], created: Date) {
  return {
    profile: "tabular-data-package",
    name: `claimlink-${study.id.toLowerCase().replace(/_/g, "-")}`,
    title: textOf(study.name),
    description: textOf(study.description),
    created: created.toISOString(),
    resources: resources.map((r) => ({
      name: r.name,
      path: r.path,
      profile: "tabular-data-resource",
      format: "csv",
      mediatype: "text/csv",
      encoding: "utf-8",
      dialect: { delimiter: ",", lineTerminator: "\r\n", quoteChar: '"', doubleQuote: true, header: true },
      schema: {
        fields: r.fields,
        missingValues: [""],
        ...(r.primaryKey ? { primaryKey: r.primaryKey } : {}),
        ...(r.name !== "participants"
          ? { foreignKeys: [{ fields: "participant", reference: { resource: "participants", fields: "participant" } }] }
          : {}),
      },
    })),
  };
}

/** What the README says a withdrawal does to a participant's data, by the study's data policy. */
const DATA_POLICY_TEXT: Record<Study["dataPolicy"], string> = {
  erase: "erase (a withdrawn participant's data is deleted and absent from this export)",
  retain: "retain (a withdrawn participant's data stays, marked with withdrawn_at; nothing after that time)",
};

/** What the README says happens to readings while a new consent version awaits a participant's answer. */
const PENDING_CONSENT_TEXT: Record<Study["pendingConsentReadings"], string> = {
  pause: "paused (not stored)",
  continue: "accepted under the earlier consent",
};

/** README.md: the study, its parameters, its consent versions (as shown to participants) and the files. */
export function readme(
  study: Study,
  versions: ConsentVersionView[],
  resources: Resource[],
  counts: { participants: number; devices: number },
  created: Date,
): string {
  const both = (t: LocalizedText) =>
    [t.en !== undefined ? `(en) ${t.en}` : null, t.nl !== undefined ? `(nl) ${t.nl}` : null]
      .filter(Boolean)
      .join("\n\n");
  const out: string[] = [
    `# ${textOf(study.name)}`,
    "",
    both(study.description),
    "",
    "## Parameters",
    "",
    `- Study: ${study.id}, status ${study.status}, from ${study.startsOn} to ${study.endsOn} (UTC days)`,
    `- Device models: ${study.models.length ? study.models.join(", ") : "any"}`,
    `- Data policy on withdrawal: ${DATA_POLICY_TEXT[study.dataPolicy]}`,
    "- While a new consent version awaits a participant's answer, their devices' readings are " +
      PENDING_CONSENT_TEXT[study.pendingConsentReadings],
    `- Exported: ${created.toISOString()}; ${counts.participants} participants, ${counts.devices} devices`,
    "- Pseudonyms (p_… participants, d_… devices) are keyed per study: stable across this study's exports, " +
      "unrelated to any other study's, not reversible without the server.",
    "- Text cells that a spreadsheet would read as a formula (starting with =, +, - or an at sign) carry a leading apostrophe.",
    "",
    "## Files",
    "",
    ...resources.map((r) => `- ${r.path}: ${r.fields.map((f) => f.name).join(", ")}`),
    "",
    "Column types and descriptions are in datapackage.json (Frictionless Tabular Data Package).",
    "",
    "## Consent versions",
  ];
  for (const v of versions) {
    out.push(
      "",
      `### Version ${v.version} (${v.createdAt.toISOString().slice(0, 10)})${v.requiresReconsent ? ", asked everyone to consent again" : ""}`,
    );
    if (textOf(v.changes)) out.push("", "What changed:", "", both(v.changes));
    out.push("", both(v.text));
  }
  return out.join("\n") + "\n";
}

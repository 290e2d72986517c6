import type { AccountOverview, StaffAccountStudy } from "@/lib/accounts/account-overview";
import { localized } from "../../../_components/localized";

// What staff are told before acting on someone's request: the same facts the participant's own
// confirmation screens state (app/account/studies/[studyId]/withdraw), in the third person.

const readingsText = (n: number) => `${n.toLocaleString("en-GB")} reading${n === 1 ? "" : "s"}`;

function devicesText(w: NonNullable<StaffAccountStudy["withdrawal"]>): string {
  const n = w.devices.length;
  if (n === 0) return "They have no devices in this study.";
  const names = w.devices.map((d) => d.name).join(", ");
  return `${n === 1 ? "Their device" : `Their ${n} devices`} in this study (${names}) ${n === 1 ? "stops" : "stop"} sending data at once (${n === 1 ? "its credential is" : "their credentials are"} revoked), ${n === 1 ? "is" : "are"} released from the account, and ${n === 1 ? "its shares end" : "their shares end"}.`;
}

/** What withdrawing `s` from its study on request does, line by line. */
export function withdrawalConsequences(s: StaffAccountStudy): string[] {
  const w = s.withdrawal;
  if (!w) return [];
  const lines = [devicesText(w)];
  if (w.dataPolicy === "erase") {
    lines.push(
      `Under the study's erase policy: all ${readingsText(w.readings)} of ${w.devices.length === 1 ? "that device" : "those devices"} and the device records are deleted${w.intakeAnswers ? ", and so are their intake answers" : " (they have not answered the intake questions)"}. Researchers no longer see them from the moment of the withdrawal.`,
    );
  } else {
    lines.push(
      `Under the study's retain policy: the study keeps the ${readingsText(w.readings)} collected until now${w.intakeAnswers ? " and their intake answers" : ""}, pseudonymous, marked withdrawn today. Nothing new is collected from them for this study.`,
    );
  }
  lines.push(
    "What stays: the account, any other study they are in, and the record that they took part, consented and withdrew. The withdrawal and your reason are written to the audit log. It cannot be undone.",
  );
  return lines;
}

/** What deleting the account on request does, line by line. */
export function deletionConsequences(o: AccountOverview): string[] {
  const lines: string[] = [];
  for (const s of o.studies) {
    const w = s.withdrawal;
    if (!w) continue;
    const name = localized(s.name);
    const devices = w.devices.length === 1 ? "1 device" : `${w.devices.length} devices`;
    lines.push(
      w.dataPolicy === "erase"
        ? `They leave ${name} under its erase policy: their ${devices} there and ${readingsText(w.readings)} are deleted, with their intake answers.`
        : `They leave ${name} under its retain policy: its ${readingsText(w.readings)} stay in the study, pseudonymous, marked withdrawn today.`,
    );
  }
  const { devicesOutsideStudies: n, readingsOutsideStudies: r } = o.deletion;
  if (n > 0)
    lines.push(
      `Their ${n === 1 ? "device" : `${n} devices`} outside any study ${n === 1 ? "is" : "are"} released and erased with ${readingsText(r)}.`,
    );
  lines.push(
    "Every device of theirs stops sending data, and shares they gave or were given end.",
    "Every session ends; their password, two-factor sign-in, reset links and API tokens stop working.",
    "Their email and name are replaced in the account, in their invitations and in the audit log, which keeps only a pseudonymous actor. They cannot sign in again. It cannot be undone.",
  );
  return lines;
}

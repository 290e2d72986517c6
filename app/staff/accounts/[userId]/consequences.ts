import type { AccountOverview, StaffAccountStudy } from "@/lib/accounts/account-overview";
import { localized } from "../../../_components/localized";

// What staff are told before acting on someone's request: the same facts the participant's own
// confirmation screens state (app/account/studies/[studyId]/withdraw), in the third person, in
// the words of the catalogs' `staffAccounts.consequences`.

/** The catalog's `staffAccounts.consequences` messages (next-intl's translator). */
export type ConsequenceWords = (key: string, values?: Record<string, string | number>) => string;

function devicesText(t: ConsequenceWords, w: NonNullable<StaffAccountStudy["withdrawal"]>): string {
  return t("devices", { n: w.devices.length, names: w.devices.map((d) => d.name).join(", ") });
}

/** What withdrawing `s` from its study on request does, line by line. */
export function withdrawalConsequences(t: ConsequenceWords, s: StaffAccountStudy): string[] {
  const w = s.withdrawal;
  if (!w) return [];
  const values = { readings: w.readings, devices: w.devices.length, intake: w.intakeAnswers ? "yes" : "no" };
  return [devicesText(t, w), t(w.dataPolicy === "erase" ? "erase" : "retain", values), t("stays")];
}

/** What deleting the account on request does, line by line, study names in `locale`. */
export function deletionConsequences(t: ConsequenceWords, o: AccountOverview, locale: string): string[] {
  const lines: string[] = [];
  for (const s of o.studies) {
    const w = s.withdrawal;
    if (!w) continue;
    const values = { name: localized(s.name, locale), devices: w.devices.length, readings: w.readings };
    lines.push(t(w.dataPolicy === "erase" ? "leaveErase" : "leaveRetain", values));
  }
  const { devicesOutsideStudies: n, readingsOutsideStudies: r } = o.deletion;
  if (n > 0) lines.push(t("outside", { n, readings: r }));
  lines.push(t("sharesEnd"), t("sessionsEnd"), t("pseudonymised"));
  return lines;
}

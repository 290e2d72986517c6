import type { AbstractIntlMessages } from "next-intl";

// What a page sends to the browser of its language's catalog (docs/i18n.md): client components
// read only the namespaces in their provider. Mail is read by the server alone; the staff
// console's, the research pages', the API reference's and the emulator's words go only to those
// pages (their layouts give a provider of their own), so a participant's phone, on the claim
// page above all, does not download half a catalog it never shows.
const SERVER_ONLY = new Set(["mail"]);
const CONSOLE_ONLY = /^(staff[A-Z]|apiDocs$|emulator$|studyDashboard$|research$)/;

/**
 * The catalog's namespaces a page's client components may read: those for everyone; in the
 * console all of them; or those for everyone and the few named (a page of its own, such as the
 * API reference, which signed-out visitors read too).
 */
export function clientMessages(
  messages: AbstractIntlMessages,
  area: "everyone" | "console" | readonly string[],
): AbstractIntlMessages {
  const wanted = (namespace: string) =>
    area === "console" || !CONSOLE_ONLY.test(namespace) || (Array.isArray(area) && area.includes(namespace));
  return Object.fromEntries(
    Object.entries(messages).filter(([namespace]) => !SERVER_ONLY.has(namespace) && wanted(namespace)),
  );
}

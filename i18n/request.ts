import { getRequestConfig } from "next-intl/server";
import { requestLocale } from "./request-locale";

// next-intl's per-request configuration: the language the person reads (no locale in the URL,
// so the claim address printed on devices never changes) and its catalog. Pages render times
// in UTC on the server; the browser re-renders them in the viewer's zone (app/_components/time.tsx).
export default getRequestConfig(async () => {
  const locale = await requestLocale();
  const messages =
    locale === "nl" ? (await import("../messages/nl.json")).default : (await import("../messages/en.json")).default;
  return { locale, messages, timeZone: "UTC" };
});

import { createTranslator } from "next-intl";
import en from "../../messages/en.json";
import nl from "../../messages/nl.json";
import { env } from "../env";
import { intlLocale, isLocale, type Locale } from "../i18n/locales";
import type { Mail } from "./send";

// Every mail Claimlink sends, as plain text and HTML, in the recipient's language: the one saved
// with their account (docs/i18n.md), else CLAIMLINK_DEFAULT_LOCALE. The words are the `mail`
// namespace of messages/*.json. Names and links are escaped in the HTML.

/** Who a mail goes to; `locale` is the account's saved language (null: none chosen). */
export type MailRecipient = { email: string; name: string; locale: string | null };

/** What changed on an account, for a security notice. */
export type SecurityEvent =
  | "two_factor_on"
  | "two_factor_off"
  | "two_factor_reset"
  | "recovery_code_used"
  | "password_changed"
  | "password_reset";

/** The kinds of device notice (lib/devices/notices.ts), each with its own words. */
export type DeviceNoticeKind = "device_claimed" | "wrong_code" | "device_silent" | "staff_revoked";

/** The language of a mail: the recipient's saved choice, else the deployment's default. */
export function mailLocale(locale: string | null | undefined): Locale {
  return isLocale(locale) ? locale : env().CLAIMLINK_DEFAULT_LOCALE;
}

function translatorFor(to: MailRecipient) {
  const locale = mailLocale(to.locale);
  return { locale, t: createTranslator({ locale, messages: locale === "nl" ? nl : en, namespace: "mail" }) };
}

/** A moment as a mail states it: the date and time in UTC, the zone named ("14 december 2026 om 12:10 UTC"). */
export function formatMailTime(value: Date, locale: Locale): string {
  return new Intl.DateTimeFormat(intlLocale(locale), {
    timeZone: "UTC",
    year: "numeric",
    month: "long",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short",
  }).format(value);
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function compose(
  to: MailRecipient,
  signOff: string,
  subject: string,
  paragraphs: string[],
  link?: { url: string; label: string },
): Mail {
  const text = [...paragraphs, ...(link ? [link.url] : []), signOff].join("\n\n") + "\n";
  const html =
    `<!doctype html><html><body style="font-family:sans-serif">` +
    paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("") +
    (link ? `<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>` : "") +
    `<p>${escapeHtml(signOff)}</p></body></html>`;
  return { to: to.email, subject, text, html };
}

/** An invitation, to someone with no account yet: `locale` is the one staff chose for them. */
export function invitationMail(to: MailRecipient, link: string, days: number, expiresAt: Date): Mail {
  const { locale, t } = translatorFor(to);
  const expires = formatMailTime(expiresAt, locale);
  return compose(
    to,
    t("signOff"),
    t("invitation.subject"),
    [t("greeting", { name: to.name }), t("invitation.body", { days, expires })],
    { url: link, label: t("invitation.link") },
  );
}

export function passwordResetMail(to: MailRecipient, link: string): Mail {
  const { t } = translatorFor(to);
  return compose(
    to,
    t("signOff"),
    t("passwordReset.subject"),
    [t("greeting", { name: to.name }), t("passwordReset.body"), t("passwordReset.notYou")],
    { url: link, label: t("passwordReset.link") },
  );
}

/** A security notice: something changed on the account (two-factor, password). */
export function securityNoticeMail(to: MailRecipient, event: SecurityEvent): Mail {
  const { t } = translatorFor(to);
  const what = t(`security.events.${event}`);
  return compose(to, t("signOff"), t("security.subject", { what }), [
    t("greeting", { name: to.name }),
    t("security.body", { what }),
    t("security.notYou"),
  ]);
}

/** A notice about one of the person's devices (lib/devices/notices.ts), with a link to it. */
export function deviceNoticeMail(
  to: MailRecipient,
  kind: DeviceNoticeKind,
  device: { name: string; url: string },
): Mail {
  const { t } = translatorFor(to);
  const values = { device: device.name };
  return compose(
    to,
    t("signOff"),
    t("notice.subject", { subject: t(`notice.${kind}.subject`, values) }),
    [
      t("greeting", { name: to.name }),
      t(`notice.${kind}.what`, values),
      t(`notice.${kind}.next`),
      t("notice.switchOff"),
    ],
    { url: device.url, label: t("notice.link", values) },
  );
}

/** Someone shared a device with the person, as a viewer. */
export function deviceSharedMail(to: MailRecipient, ownerName: string, deviceName: string, link: string): Mail {
  const { t } = translatorFor(to);
  const values = { owner: ownerName, device: deviceName };
  return compose(
    to,
    t("signOff"),
    t("shared.subject", values),
    [t("greeting", { name: to.name }), t("shared.body", values)],
    { url: link, label: t("shared.link") },
  );
}

/** A webhook subscription failed for a day and was disabled (lib/webhooks/worker.ts). */
export function webhookDisabledMail(to: MailRecipient, endpoint: string, link: string): Mail {
  const { t } = translatorFor(to);
  return compose(
    to,
    t("signOff"),
    t("webhookDisabled.subject"),
    [t("greeting", { name: to.name }), t("webhookDisabled.body", { endpoint }), t("webhookDisabled.next")],
    { url: link, label: t("webhookDisabled.link") },
  );
}

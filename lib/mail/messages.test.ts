import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invitationInput } from "../accounts/schemas";
import { AppError } from "../errors/app-error";
import type { Database } from "../db/client";
import { users } from "../db/schema";
import { openTestDatabase } from "../db/test-database";
import { noticeOwner } from "../devices/notices";
import { claimTestDevice, insertAccount, testConfig } from "../provisioning/test-fixtures";
import { withMailbox } from "../test-helpers";
import {
  deviceNoticeMail,
  formatMailTime,
  invitationMail,
  mailLocale,
  passwordResetMail,
  securityNoticeMail,
  webhookDisabledMail,
} from "./messages";

// Mail goes out in the recipient's language (docs/i18n.md): the one saved with their account,
// else CLAIMLINK_DEFAULT_LOCALE; the links are the same in both.

const dutch = { email: "anna@example.org", name: "Anna", locale: "nl" };
const english = { email: "ann@example.org", name: "Ann", locale: "en" };
const RESET = "http://claimlink.test/reset-password#abc";
const links = (text: string) => text.match(/https?:\/\/\S+/g);

// Mail is on for this file (its own modules, so its own env()), before anything reads the settings.
let database: Database;
const mailbox = withMailbox();

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

describe("mail in the recipient's language", () => {
  it("a password reset: Dutch for a Dutch account, English for an English one, the same link", () => {
    const nl = passwordResetMail(dutch, RESET);
    const en = passwordResetMail(english, RESET);
    expect(nl.subject).toBe("Kies een nieuw wachtwoord voor Claimlink");
    expect(nl.text).toContain("Hallo Anna,");
    expect(nl.text).toContain("De link werkt één keer, binnen een uur");
    expect(en.subject).toBe("Reset your Claimlink password");
    expect(en.text).toContain("Hello Ann,");
    expect(en.text).not.toContain("wachtwoord");
    expect(links(nl.text)).toEqual([RESET]);
    expect(links(en.text)).toEqual(links(nl.text));
    expect(nl.html).toContain(`<a href="${RESET}">Nieuw wachtwoord kiezen</a>`);
    expect(nl.to).toBe(dutch.email);
  });

  it("a security notice names the change in the account's language, subject and body", () => {
    const nl = securityNoticeMail(dutch, "two_factor_off");
    expect(nl.subject).toBe("Beveiligingsmelding van Claimlink: inloggen in twee stappen is uitgezet");
    expect(nl.text).toContain("Neem dan meteen contact op met het projectteam.");
    const en = securityNoticeMail(english, "password_changed");
    expect(en.subject).toBe("Claimlink security notice: your password was changed");
  });

  it("a device notice: the same device link in both languages, the name escaped in the HTML", () => {
    const device = { name: "Keuken <1>", url: "http://claimlink.test/devices/dev_1" };
    const nl = deviceNoticeMail(dutch, "device_silent", device);
    const en = deviceNoticeMail(english, "device_silent", device);
    expect(nl.subject).toBe("Claimlink: “Keuken <1>” stuurt niets meer");
    expect(nl.text).toContain("heeft al een tijd niets gestuurd");
    expect(nl.text).toContain("Je kunt dit soort berichten uitzetten op je accountpagina.");
    expect(en.text).toContain("has sent nothing for a while");
    expect(links(nl.text)).toEqual([device.url]);
    expect(links(en.text)).toEqual([device.url]);
    expect(nl.html).toContain("Keuken &lt;1&gt;");
    expect(nl.html).not.toContain("<1>");
  });

  it("an invitation states its expiry as a date in the chosen language, with the zone named", () => {
    const expires = new Date("2026-12-14T12:10:00Z");
    const nl = invitationMail({ email: "new@example.org", name: "Noor", locale: "nl" }, RESET, 7, expires);
    const en = invitationMail({ email: "new@example.org", name: "Noor", locale: "en" }, RESET, 1, expires);
    expect(nl.subject).toBe("Je uitnodiging voor Claimlink");
    expect(nl.text).toContain("binnen 7 dagen (tot 14 december 2026 om 12:10 UTC)");
    expect(en.text).toContain("within 1 day (until 14 December 2026 at 12:10 UTC)");
    expect(formatMailTime(expires, "nl")).toBe("14 december 2026 om 12:10 UTC");
  });

  it("an invitation request may name the mail's language, and only one Claimlink speaks", () => {
    const base = { email: "Noor@Example.org", name: "Noor" };
    expect(invitationInput({ ...base, locale: "nl" }).locale).toBe("nl");
    expect(invitationInput(base).locale).toBeUndefined();
    for (const locale of ["de", "NL", "", 1])
      expect(() => invitationInput({ ...base, locale }), String(locale)).toThrow(AppError);
  });

  it("an account with no saved language, or one it does not speak, gets the deployment's default", () => {
    expect(mailLocale(null)).toBe("en");
    expect(mailLocale("de")).toBe("en");
    expect(mailLocale("nl")).toBe("nl");
    const mail = webhookDisabledMail({ email: "x@example.org", name: "X", locale: null }, "hooks.example", RESET);
    expect(mail.subject).toBe("Claimlink: a webhook subscription was disabled");
  });
});

describe("a notice as mailed to a Dutch account", () => {
  it("reads the language saved with the account when the notice is sent", async () => {
    const owner = await insertAccount(database.db, "dutch");
    await database.db.update(users).set({ locale: "nl" }).where(eq(users.id, owner.id));
    const other = await insertAccount(database.db, "english");
    const mine = await claimTestDevice(database, testConfig(), owner);
    const theirs = await claimTestDevice(database, testConfig(), other);

    expect(await noticeOwner(database.db, "http://claimlink.test", mine.deviceId, "staff_revoked")).toBe(true);
    expect(await noticeOwner(database.db, "http://claimlink.test", theirs.deviceId, "staff_revoked")).toBe(true);
    // Claiming mailed each owner a notice already; the revocation's is the one naming the team.
    const revoked = (to: string, words: string) =>
      mailbox.mailWhere((m) => m.to.includes(to) && m.text.includes(words));
    const nl = await revoked(owner.email, "ingetrokken: het kan geen gegevens meer sturen");
    const en = await revoked(other.email, "revoked your device");
    expect(nl.text).toContain("Neem dan contact op met het projectteam.");
    expect(nl.text).toContain(`http://claimlink.test/devices/${mine.deviceId}`);
    expect(nl.text).not.toContain("revoked");
    expect(en.text).toContain("If you did not expect this, contact the project team.");
    expect(en.text).toContain(`http://claimlink.test/devices/${theirs.deviceId}`);
    const claimed = mailbox.mails.find((m) => m.to.includes(owner.email) && m.text.includes("is zojuist aan je"));
    expect(claimed, "the claim notice, in Dutch too").toBeDefined();
  });
});

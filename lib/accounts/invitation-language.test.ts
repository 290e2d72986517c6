import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { CLI_ACTOR } from "../audit/record";
import type { Db } from "../db/client";
import { invitations } from "../db/schema";
import { withAppDatabase, withMailbox } from "../test-helpers";
import { bulkInviteAccounts, inviteAccount, renewInvitationLink } from "./staff-api";

// An invitation is mailed in the language staff chose for it, and remembers it: a renewed link
// goes out in that language too (else CLAIMLINK_DEFAULT_LOCALE, English here). Mail is on for this
// file, through an SMTP server inside the test process, before anything reads the settings.

const mailbox = withMailbox();
let db: Db;
withAppDatabase((d) => {
  db = d;
});

const DUTCH = "Je uitnodiging voor Claimlink";
const ENGLISH = "Your invitation to Claimlink";
const unique = (who: string) => `${who}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.org`;

/** The mail to `email` after those already `seen`. */
async function nextMailTo(email: string, seen: unknown[] = []) {
  return mailbox.mailWhere((m) => m.to.includes(email) && !seen.includes(m));
}

async function invitationOf(email: string) {
  const [row] = await db.select().from(invitations).where(eq(invitations.email, email));
  return row;
}

describe("the language of an invitation", () => {
  it("is the one staff chose, kept with the invitation, and a renewed link is mailed in it", async () => {
    const email = unique("dutch-invitee");
    const r = await inviteAccount(CLI_ACTOR, { email, name: "Anna", role: "participant", locale: "nl" });
    expect(r).toMatchObject({ mailed: true });
    const first = await nextMailTo(email);
    expect(first.subject).toBe(DUTCH);
    const row = await invitationOf(email);
    expect(row.locale).toBe("nl");

    expect(await renewInvitationLink(CLI_ACTOR, row.id)).toMatchObject({ mailed: true });
    const renewed = await nextMailTo(email, [first]);
    expect(renewed.subject).toBe(DUTCH);
    expect(renewed.text).toContain("Uitnodiging accepteren");
  });

  it("English when chosen, and the default language when none was (renewed ones too)", async () => {
    const chosen = unique("english-invitee");
    await inviteAccount(CLI_ACTOR, { email: chosen, name: "Ann", role: "staff", locale: "en" });
    expect((await nextMailTo(chosen)).subject).toBe(ENGLISH);

    const none = unique("default-invitee");
    await inviteAccount(CLI_ACTOR, { email: none, name: "Bo", role: "participant" });
    const first = await nextMailTo(none);
    expect(first.subject).toBe(ENGLISH);
    const row = await invitationOf(none);
    expect(row.locale).toBeNull();
    await renewInvitationLink(CLI_ACTOR, row.id);
    expect((await nextMailTo(none, [first])).subject).toBe(ENGLISH);
  });

  it("a CSV batch's language goes to every invitation of it, and to their renewed links", async () => {
    const a = unique("bulk-a");
    const b = unique("bulk-b");
    const r = await bulkInviteAccounts(CLI_ACTOR, { csv: `email,name\n${a},A\n${b},B`, locale: "nl" });
    expect(r.invited).toHaveLength(2);
    const firstB = await nextMailTo(b);
    expect((await nextMailTo(a)).subject).toBe(DUTCH);
    expect(firstB.subject).toBe(DUTCH);
    const row = await invitationOf(b);
    expect(row.locale).toBe("nl");
    await renewInvitationLink(CLI_ACTOR, row.id);
    expect((await nextMailTo(b, [firstB])).subject).toBe(DUTCH);
  });
});

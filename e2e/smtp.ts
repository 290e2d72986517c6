import { SMTPServer } from "smtp-server";
import { test } from "@playwright/test";
import { startApp, type AppProcess } from "./app-process";

// An SMTP server inside the test process: the app's mail arrives here, and a test awaits the
// mail it expects (no polling).

/** The app's settings that send its mail to a Mailbox listening on `smtpPort`. */
export function mailingTo(smtpPort: number) {
  return {
    CLAIMLINK_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    CLAIMLINK_MAIL_FROM: "Claimlink tests <claimlink@e2e.example.org>",
  };
}

export type ReceivedMail = { to: string[]; subject: string; text: string };

export class Mailbox {
  readonly mails: ReceivedMail[] = [];
  private waiters: { match: (m: ReceivedMail) => boolean; resolve: (m: ReceivedMail) => void }[] = [];
  private server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData: (stream, session, done) => {
      let raw = "";
      stream.on("data", (c: Buffer) => (raw += c.toString("utf8")));
      stream.on("end", () => {
        // Quoted-printable soft breaks and escapes undone: the text a person reads.
        const text = raw
          .replace(/=\r?\n/g, "")
          .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
        const mail = {
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: /^Subject: (.*)$/m.exec(text)?.[1]?.trim() ?? "",
          text,
        };
        this.mails.push(mail);
        this.waiters = this.waiters.filter((w) => !(w.match(mail) && (w.resolve(mail), true)));
        done();
      });
    },
  });

  listen(port: number): Promise<void> {
    return new Promise((resolve) => this.server.listen(port, "127.0.0.1", () => resolve()));
  }
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The first mail to `to` (already received or still to come). */
  mailTo(to: string): Promise<ReceivedMail> {
    return this.mailWhere((m) => m.to.includes(to));
  }

  /** The first mail that `match` accepts (already received or still to come). */
  mailWhere(match: (m: ReceivedMail) => boolean): Promise<ReceivedMail> {
    const found = this.mails.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }
}

/** The one link to this app in a mail's text part. */
export function linkIn(mail: ReceivedMail, base: string): string {
  const links = [
    ...new Set(mail.text.match(new RegExp(`${base.replace(/[.]/g, "\\.")}/[a-z-]+#[A-Za-z0-9_-]{43}`, "g"))),
  ];
  if (links.length !== 1) throw new Error(`expected one link in the mail, got ${links.length}`);
  return links[0];
}

/**
 * A second app process that mails to a Mailbox, on E2E_PORT + `appOffset` with the mailbox on
 * E2E_PORT + `smtpOffset` (see e2e/mail.spec.ts for the offsets in use): started before the
 * tests of the file or describe block that calls this, and stopped after them.
 */
export function mailingApp(appOffset: number, smtpOffset: number) {
  const e2ePort = Number(process.env.E2E_PORT ?? 3100);
  const port = e2ePort + appOffset;
  const mailbox = new Mailbox();
  let app: AppProcess | undefined;
  test.beforeAll(async () => {
    // A loaded machine (two cores shared) may take a while to start Next.
    test.setTimeout(180_000);
    await mailbox.listen(e2ePort + smtpOffset);
    app = await startApp(port, mailingTo(e2ePort + smtpOffset), { startSeconds: 120 });
  });
  test.afterAll(async () => {
    await app?.stop();
    await mailbox.close();
  });
  return { mailbox, port, app: { base: `http://localhost:${port}` } };
}

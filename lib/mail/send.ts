import nodemailer, { type Transporter } from "nodemailer";
import { env } from "../env";

// Mail goes out only when CLAIMLINK_SMTP_URL is set (any SMTP server, through nodemailer).
// Unset, nothing tries to send: links are shown for copying instead. Never called inside a
// database transaction (no network I/O there).

export type Mail = { to: string; subject: string; text: string; html: string };

let transport: { url: string; t: Transporter } | undefined;

export function mailEnabled(): boolean {
  return Boolean(env().CLAIMLINK_SMTP_URL);
}

/** Sends one mail; throws when the server refuses it or cannot be reached. */
export async function sendMail(mail: Mail): Promise<void> {
  const url = env().CLAIMLINK_SMTP_URL;
  if (!url) throw new Error("mail is not configured (CLAIMLINK_SMTP_URL)");
  if (transport?.url !== url) transport = { url, t: nodemailer.createTransport(url) };
  await transport.t.sendMail({ from: env().mailFrom, ...mail });
}

/** Sends when mail is configured; a failure is logged, never raised (for notices). Returns whether it was sent. */
export async function sendMailQuietly(mail: Mail): Promise<boolean> {
  if (!mailEnabled()) return false;
  try {
    await sendMail(mail);
    return true;
  } catch (err) {
    console.error(`[mail] could not send "${mail.subject}":`, (err as Error).message);
    return false;
  }
}

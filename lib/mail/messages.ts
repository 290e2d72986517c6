import type { Mail } from "./send";

// Every mail Claimlink sends, as plain text and HTML. Names and links are escaped in the HTML.

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function compose(to: string, subject: string, paragraphs: string[], link?: { url: string; label: string }): Mail {
  const text = [...paragraphs, ...(link ? [link.url] : []), "— Claimlink"].join("\n\n") + "\n";
  const html =
    `<!doctype html><html><body style="font-family:sans-serif">` +
    paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("") +
    (link ? `<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>` : "") +
    `<p>— Claimlink</p></body></html>`;
  return { to, subject, text, html };
}

export function invitationMail(to: string, name: string, link: string, days: number): Mail {
  return compose(
    to,
    "Your invitation to Claimlink",
    [
      `Hello ${name},`,
      `you have been invited to Claimlink. Open this link to choose your password; it works once, within ${days} days:`,
    ],
    { url: link, label: "Accept the invitation" },
  );
}

export function passwordResetMail(to: string, name: string, link: string): Mail {
  return compose(
    to,
    "Reset your Claimlink password",
    [
      `Hello ${name},`,
      "someone asked to reset the password of your Claimlink account. Open this link to choose a new one; it works once, within one hour:",
      "If it was not you, ignore this mail: your password stays as it is.",
    ],
    { url: link, label: "Choose a new password" },
  );
}

/** A security notice: something changed on the account (two-factor, password). */
export function securityNoticeMail(to: string, name: string, what: string): Mail {
  return compose(to, `Claimlink security notice: ${what}`, [
    `Hello ${name},`,
    `on your Claimlink account: ${what}.`,
    "If this was not you, contact the project team at once.",
  ]);
}

/** A notice about one of the person's devices (lib/devices/notices.ts), with a link to it. */
export function deviceNoticeMail(
  to: string,
  name: string,
  subject: string,
  paragraphs: string[],
  link: { url: string; label: string },
): Mail {
  return compose(
    to,
    `Claimlink: ${subject}`,
    [`Hello ${name},`, ...paragraphs, "You can switch this kind of notice off on your account page."],
    link,
  );
}

/** Someone shared a device with the person, as a viewer. */
export function deviceSharedMail(to: string, name: string, ownerName: string, deviceName: string, link: string): Mail {
  return compose(
    to,
    `Claimlink: ${ownerName} shared “${deviceName}” with you`,
    [`Hello ${name},`, `${ownerName} shared the device “${deviceName}” with you. You can see its values and history.`],
    { url: link, label: "Open the device" },
  );
}

/** A webhook subscription failed for a day and was disabled (lib/webhooks/worker.ts). */
export function webhookDisabledMail(to: string, name: string, endpoint: string, link: string): Mail {
  return compose(
    to,
    "Claimlink: a webhook subscription was disabled",
    [
      `Hello ${name},`,
      `every delivery to the webhook endpoint ${endpoint} has failed for a day, so Claimlink disabled the subscription. Its events wait in the queue.`,
      "Fix the endpoint, then enable the subscription again: the waiting events are delivered at once.",
    ],
    { url: link, label: "Open the subscription" },
  );
}

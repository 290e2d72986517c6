"use client";

import { useState } from "react";

/** A freshly issued invitation (or password-reset) link, shown once, with a copy button. */
export function InviteLink({
  email,
  link,
  kind = "invitation",
}: {
  email: string;
  link: string;
  kind?: "invitation" | "reset";
}) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="notice ok" data-testid={kind === "reset" ? "reset-link" : "invite-link"}>
      <p style={{ marginTop: 0 }}>
        {kind === "reset" ? "Password-reset link" : "Invitation"} for <strong>{email}</strong>. Send this link to them;
        it works once{kind === "reset" ? ", within one hour," : ""} and is shown only now.
      </p>
      <p className="mono" data-testid={kind === "reset" ? "reset-url" : "invite-url"}>
        {link}
      </p>
      <button
        type="button"
        className="secondary"
        onClick={async () => {
          await navigator.clipboard?.writeText(link).catch(() => {});
          setCopied(true);
        }}
      >
        {copied ? "Copied" : "Copy link"}
      </button>
    </div>
  );
}

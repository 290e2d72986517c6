"use client";

import { useState } from "react";

/** A freshly issued invitation link, shown once, with a copy button. */
export function InviteLink({ email, link }: { email: string; link: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="notice ok" data-testid="invite-link">
      <p style={{ marginTop: 0 }}>
        Invitation for <strong>{email}</strong>. Send this link to them; it works once and is shown only now.
      </p>
      <p className="mono" data-testid="invite-url">{link}</p>
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

import { CopyButton } from "../../_components/ui/copy-button";
import { Notice } from "../../_components/ui/notice";

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
  return (
    <Notice tone="ok" data-testid={kind === "reset" ? "reset-link" : "invite-link"}>
      <p>
        {kind === "reset" ? "Password-reset link" : "Invitation"} for <strong>{email}</strong>. Send this link to them;
        it works once{kind === "reset" ? ", within one hour," : ""} and is shown only now.
      </p>
      <p className="my-2 font-mono text-xs break-all" data-testid={kind === "reset" ? "reset-url" : "invite-url"}>
        {link}
      </p>
      <CopyButton value={link} label="Copy link" copiedLabel="Copied" />
    </Notice>
  );
}

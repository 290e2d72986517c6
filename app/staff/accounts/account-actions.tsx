"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "../../_components/api";
import { LinkDialog } from "../../_components/ui/link-dialog";
import { ActionMenu, type MenuItem } from "../../_components/ui/menu";

const ROLE_TEXT = {
  participant: "participant",
  staff: "staff",
  support: "support (read-only staff)",
  researcher: "researcher (reads the studies granted to them)",
} as const;
type Role = keyof typeof ROLE_TEXT;

/**
 * One account's actions in a menu ("Actions for ann@example.org"); each that changes the
 * account asks first. Only what applies is offered: "Enable" for a disabled account, "Reset
 * two-factor" for one that has it, the roles it does not have.
 */
export function AccountActions({
  id,
  email,
  disabled,
  role,
  twoFactor,
}: {
  id: string;
  email: string;
  disabled: boolean;
  role: Role;
  twoFactor: boolean;
}) {
  const router = useRouter();
  const [resetLink, setResetLink] = useState<string | null>(null);
  const done = (text: string) => {
    router.refresh();
    return text;
  };
  const items: MenuItem[] = [
    {
      key: "reset",
      label: "Password reset link",
      run: async () => {
        const r = await api<{ link?: string; mailed: boolean; mailError?: string }>(
          `/api/v1/staff/accounts/${id}/password-reset`,
          { method: "POST" },
        );
        if (r.link) setResetLink(r.link);
        return r.mailed ? `A password-reset link was mailed to ${email}.` : r.mailError;
      },
    },
    {
      key: "signout",
      label: "Sign out everywhere",
      confirm: {
        title: `Sign ${email} out everywhere?`,
        description: "Every session of this account ends at its next request.",
        confirmLabel: "Sign out everywhere",
        cancelLabel: "Cancel",
      },
      run: async () => {
        const r = await api<{ sessionsEnded: number }>(`/api/v1/staff/accounts/${id}/sessions`, { method: "DELETE" });
        return done(`Ended ${r.sessionsEnded} session${r.sessionsEnded === 1 ? "" : "s"} of ${email}.`);
      },
    },
    ...(twoFactor
      ? [
          {
            key: "2fa",
            label: "Reset two-factor",
            confirm: {
              title: `Reset two-factor sign-in of ${email}?`,
              description:
                "Its authenticator and recovery codes stop working and its sessions end; it signs in with the password alone and can set up two-factor again.",
              confirmLabel: "Reset two-factor",
              cancelLabel: "Cancel",
            },
            run: async () => {
              const r = await api<{ sessionsEnded: number }>(`/api/v1/staff/accounts/${id}/two-factor`, {
                method: "DELETE",
              });
              return done(
                `Two-factor sign-in of ${email} reset; ended ${r.sessionsEnded} session${r.sessionsEnded === 1 ? "" : "s"}.`,
              );
            },
          } satisfies MenuItem,
        ]
      : []),
    ...(Object.keys(ROLE_TEXT) as Role[])
      .filter((r) => r !== role)
      .map((r, i): MenuItem => ({
        key: `role-${r}`,
        label: `Make ${r}`,
        separatorBefore: i === 0,
        confirm: {
          title: `Make ${email} ${ROLE_TEXT[r]}?`,
          description:
            r === "participant"
              ? "It loses access to the staff console."
              : r === "support"
                ? "It sees everything staff see and changes nothing."
                : r === "researcher"
                  ? "It sees only the pseudonymous data of studies it is granted, and changes nothing."
                  : "It can see and change everything in the staff console.",
          confirmLabel: `Make ${r}`,
          cancelLabel: "Cancel",
        },
        run: async () => {
          await api(`/api/v1/staff/accounts/${id}`, { method: "PATCH", body: { role: r } });
          return done(`${email} is now ${r}.`);
        },
      })),
    disabled
      ? {
          key: "enable",
          label: "Enable",
          separatorBefore: true,
          run: async () => {
            await api(`/api/v1/staff/accounts/${id}`, { method: "PATCH", body: { disabled: false } });
            return done(`${email} is enabled.`);
          },
        }
      : {
          key: "disable",
          label: "Disable",
          tone: "danger",
          separatorBefore: true,
          confirm: {
            title: `Disable ${email}?`,
            description: "It can no longer sign in, and its sessions end now. You can enable it again.",
            confirmLabel: "Disable",
            cancelLabel: "Cancel",
          },
          run: async () => {
            await api(`/api/v1/staff/accounts/${id}`, { method: "PATCH", body: { disabled: true } });
            return done(`${email} is disabled.`);
          },
        },
  ];
  return (
    <>
      <ActionMenu label={`Actions for ${email}`} items={items} />
      <LinkDialog
        open={resetLink !== null}
        onClose={() => setResetLink(null)}
        title={`Password-reset link for ${email}`}
        description="Send this link to them: it works once, within one hour, and is shown only now."
        link={resetLink ?? ""}
        copyLabel="Copy link"
        copiedLabel="Copied"
        closeLabel="Done"
        testId="reset-link"
        urlTestId="reset-url"
      />
    </>
  );
}

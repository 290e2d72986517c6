"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "../../_components/api";
import { LinkDialog } from "../../_components/ui/link-dialog";
import { ActionMenu, type MenuItem } from "../../_components/ui/menu";

const ROLES = ["participant", "staff", "support", "researcher"] as const;
type Role = (typeof ROLES)[number];

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
  const t = useTranslations("staffAccounts.actions");
  const common = useTranslations("staffAccounts");
  const router = useRouter();
  const [resetLink, setResetLink] = useState<string | null>(null);
  const done = (text: string) => {
    router.refresh();
    return text;
  };
  const items: MenuItem[] = [
    {
      key: "reset",
      label: t("reset"),
      run: async () => {
        const r = await api<{ link?: string; mailed: boolean; mailError?: string }>(
          `/api/v1/staff/accounts/${id}/password-reset`,
          { method: "POST" },
        );
        if (r.link) setResetLink(r.link);
        return r.mailed ? t("resetMailed", { email }) : r.mailError;
      },
    },
    {
      key: "signout",
      label: t("signOut"),
      confirm: {
        title: t("signOutTitle", { email }),
        description: t("signOutText"),
        confirmLabel: t("signOut"),
        cancelLabel: common("cancel"),
      },
      run: async () => {
        const r = await api<{ sessionsEnded: number }>(`/api/v1/staff/accounts/${id}/sessions`, { method: "DELETE" });
        return done(t("signedOut", { n: r.sessionsEnded, email }));
      },
    },
    ...(twoFactor
      ? [
          {
            key: "2fa",
            label: t("twoFactor"),
            confirm: {
              title: t("twoFactorTitle", { email }),
              description: t("twoFactorText"),
              confirmLabel: t("twoFactor"),
              cancelLabel: common("cancel"),
            },
            run: async () => {
              const r = await api<{ sessionsEnded: number }>(`/api/v1/staff/accounts/${id}/two-factor`, {
                method: "DELETE",
              });
              return done(t("twoFactorDone", { email, n: r.sessionsEnded }));
            },
          } satisfies MenuItem,
        ]
      : []),
    ...ROLES.filter((r) => r !== role).map((r, i): MenuItem => ({
      key: `role-${r}`,
      label: t("make", { role: r }),
      separatorBefore: i === 0,
      confirm: {
        title: t("makeTitle", { email, role: r }),
        description: t(`makeText.${r}`),
        confirmLabel: t("make", { role: r }),
        cancelLabel: common("cancel"),
      },
      run: async () => {
        await api(`/api/v1/staff/accounts/${id}`, { method: "PATCH", body: { role: r } });
        return done(t("made", { email, role: r }));
      },
    })),
    disabled
      ? {
          key: "enable",
          label: t("enable"),
          separatorBefore: true,
          run: async () => {
            await api(`/api/v1/staff/accounts/${id}`, { method: "PATCH", body: { disabled: false } });
            return done(t("enabled", { email }));
          },
        }
      : {
          key: "disable",
          label: t("disable"),
          tone: "danger",
          separatorBefore: true,
          confirm: {
            title: t("disableTitle", { email }),
            description: t("disableText"),
            confirmLabel: t("disable"),
            cancelLabel: common("cancel"),
          },
          run: async () => {
            await api(`/api/v1/staff/accounts/${id}`, { method: "PATCH", body: { disabled: true } });
            return done(t("disabled", { email }));
          },
        },
  ];
  return (
    <>
      <ActionMenu label={t("menu", { email })} items={items} />
      <LinkDialog
        open={resetLink !== null}
        onClose={() => setResetLink(null)}
        title={t("resetTitle", { email })}
        description={t("resetText")}
        link={resetLink ?? ""}
        copyLabel={common("copyLink")}
        copiedLabel={common("copied")}
        closeLabel={common("done")}
        testId="reset-link"
        urlTestId="reset-url"
      />
    </>
  );
}

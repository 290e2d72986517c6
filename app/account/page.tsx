import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { listMySessions } from "@/lib/accounts/owner-api";
import { requireUserPage } from "@/lib/auth/current";
import { userAgentParts } from "@/lib/auth/user-agent";
import { myNotices } from "@/lib/devices/owner-api";
import { listMyStudies } from "@/lib/studies/participant-api";
import { Badge } from "../_components/ui/badge";
import { Panel } from "../_components/ui/card";
import { Main } from "../_components/ui/main";
import { PageHeader } from "../_components/ui/page-header";
import { DeleteAccount } from "./delete-account";
import { MyStudies } from "./my-studies";
import { NoticeSettings } from "./notice-settings";
import { NameForm, PasswordForm } from "./profile-forms";
import { SessionList } from "./session-list";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("account");
  return { title: t("title") };
}

export default async function AccountPage() {
  const user = await requireUserPage("/account");
  const [t, { sessions }, notices, studies] = await Promise.all([
    getTranslations("account"),
    listMySessions(user),
    myNotices(user),
    listMyStudies(user),
  ]);
  const browserOf = (ua: string | null) => {
    const { browser, os } = userAgentParts(ua);
    if (!browser) return t("sessions.unknownBrowser");
    return os ? t("sessions.browserOn", { browser, os }) : browser;
  };
  return (
    <Main>
      <PageHeader
        title={t("title")}
        badge={user.role !== "participant" ? <Badge tone="accent">{t(`roles.${user.role}`)}</Badge> : undefined}
        description={
          <>
            {user.name} · {user.email}
          </>
        }
      />
      <div className="space-y-5">
        {studies.length > 0 && (
          <Panel title={t("studiesTitle")} id="studies">
            <MyStudies studies={studies} />
          </Panel>
        )}
        <Panel title={t("nameTitle")}>
          <NameForm name={user.name} />
        </Panel>
        <Panel title={t("passwordTitle")}>
          <PasswordForm />
        </Panel>
        <Panel
          title={t("twoFactorTitle")}
          actions={
            <Link href="/account/security" className="text-sm">
              {t("twoFactorManage")}
            </Link>
          }
        >
          <p className="text-sm">
            {user.twoFactor ? (
              <Badge tone="ok" dot>
                {t("on")}
              </Badge>
            ) : (
              <Badge dot>{t("off")}</Badge>
            )}
          </p>
        </Panel>
        <Panel
          title={t("tokensTitle")}
          actions={
            <Link href="/account/tokens" className="text-sm">
              {t("tokensManage")}
            </Link>
          }
        >
          <p className="text-sm text-muted">{t("tokensText")}</p>
        </Panel>
        <Panel title={t("noticesTitle")}>
          <NoticeSettings
            kinds={notices.kinds.map(({ kind, on }) => ({ kind, on }))}
            mailEnabled={notices.mailEnabled}
          />
        </Panel>
        <Panel title={t("sessionsTitle")}>
          <SessionList
            sessions={sessions.map((s) => ({
              id: s.id,
              browser: browserOf(s.userAgent),
              ip: s.ip,
              lastSeenAt: s.lastSeenAt.toISOString(),
              createdAt: s.createdAt.toISOString(),
              current: s.current,
            }))}
          />
        </Panel>
        <Panel title={t("deleteTitle")} id="delete-account">
          <DeleteAccount inStudies={studies.some((s) => !s.withdrawnAt)} />
        </Panel>
      </div>
    </Main>
  );
}

import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { myTwoFactorStatus } from "@/lib/accounts/owner-api";
import { requireUserPage } from "@/lib/auth/current";
import { Main } from "../../_components/ui/main";
import { Notice } from "../../_components/ui/notice";
import { PageHeader } from "../../_components/ui/page-header";
import { TwoFactorSettings } from "./two-factor-settings";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("account.security");
  return { title: t("title") };
}

export default async function SecurityPage() {
  const user = await requireUserPage("/account/security", { enrolment: true });
  const [t, status] = await Promise.all([getTranslations("account.security"), myTwoFactorStatus(user)]);
  return (
    <Main>
      <PageHeader title={t("title")} back={user.mustEnrol ? undefined : { href: "/account", label: t("back") }} />
      {user.mustEnrol && (
        <Notice tone="warn" className="mb-4" data-testid="must-enrol">
          {t("mustEnrol")}
        </Notice>
      )}
      <TwoFactorSettings
        email={user.email}
        on={status.on}
        required={status.required}
        remaining={status.remainingRecoveryCodes}
      />
    </Main>
  );
}

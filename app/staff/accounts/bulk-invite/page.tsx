import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { requireStaffPage } from "@/lib/auth/current";
import { mailLocale } from "@/lib/mail/messages";
import { studiesOpenForInvitations } from "@/lib/studies/api";
import { Main } from "../../../_components/ui/main";
import { PageHeader } from "../../../_components/ui/page-header";
import { BulkInviteForm } from "./bulk-invite-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("staffAccounts.bulk");
  return { title: t("metaTitle") };
}

/** A page that exists only to change something: support accounts get the ordinary 404. */
export default async function BulkInvitePage() {
  await requireStaffPage("/staff/accounts/bulk-invite", { write: true });
  const studies = await studiesOpenForInvitations();
  const t = await getTranslations("staffAccounts");
  return (
    <Main width="console">
      <PageHeader back={{ href: "/staff/accounts", label: t("title") }} title={t("bulk.title")} />
      <div className="max-w-3xl space-y-5">
        <p className="text-sm">{t.rich("bulk.intro", { code: (chunks) => <code>{chunks}</code> })}</p>
        <BulkInviteForm studies={studies} defaultLocale={mailLocale(null)} />
      </div>
    </Main>
  );
}

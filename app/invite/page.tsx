import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Card } from "../_components/ui/card";
import { Main } from "../_components/ui/main";
import { PageHeader } from "../_components/ui/page-header";
import { AcceptInvitation } from "./accept-invitation";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("invite"))("metaTitle") };
}

export default async function InvitePage() {
  const t = await getTranslations("invite");
  return (
    <Main width="narrow">
      <PageHeader title={t("title")} className="mb-4" />
      <Card className="p-5 sm:p-6">
        <AcceptInvitation />
      </Card>
    </Main>
  );
}

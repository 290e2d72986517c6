import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Card } from "../_components/ui/card";
import { Main } from "../_components/ui/main";
import { PageHeader } from "../_components/ui/page-header";
import { ResetPassword } from "./reset-password";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("resetPassword"))("title") };
}

export default async function ResetPasswordPage() {
  const t = await getTranslations("resetPassword");
  return (
    <Main width="narrow">
      <PageHeader title={t("title")} className="mb-4" />
      <Card className="p-5 sm:p-6">
        <ResetPassword />
      </Card>
    </Main>
  );
}

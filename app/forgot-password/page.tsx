import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { mailEnabled } from "@/lib/mail/send";
import { Card } from "../_components/ui/card";
import { Main } from "../_components/ui/main";
import { PageHeader } from "../_components/ui/page-header";
import { ForgotPasswordForm } from "./forgot-password-form";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("forgotPassword"))("metaTitle") };
}

export default async function ForgotPasswordPage() {
  const t = await getTranslations("forgotPassword");
  return (
    <Main width="narrow">
      <PageHeader title={t("title")} className="mb-4" />
      <Card className="p-5 sm:p-6">
        {mailEnabled() ? <ForgotPasswordForm /> : <p className="text-sm">{t("askTeam")}</p>}
      </Card>
    </Main>
  );
}

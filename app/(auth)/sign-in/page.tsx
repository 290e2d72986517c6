import { getTranslations } from "next-intl/server";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/current";
import { safeReturnPath } from "@/lib/auth/messages";
import { mailEnabled } from "@/lib/mail/send";
import { Card } from "../../_components/ui/card";
import { Main } from "../../_components/ui/main";
import { Notice } from "../../_components/ui/notice";
import { PageHeader } from "../../_components/ui/page-header";
import { SignInForm } from "./sign-in-form";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("signIn"))("title") };
}

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const t = await getTranslations("signIn");
  const next = safeReturnPath(params.next);
  if (await getCurrentUser()) redirect(next);
  // Sent here by a claim link opened signed out: the code waits in this tab (sessionStorage).
  const claiming = next === "/claim" || next.startsWith("/claim?");
  return (
    <Main width="narrow">
      <PageHeader title={t("title")} className="mb-4" />
      {claiming && (
        <Notice className="mb-4" data-testid="claim-waiting" title={t("claimWaitingTitle")}>
          {t("claimWaiting")}
        </Notice>
      )}
      <Card className="p-5 sm:p-6">
        <SignInForm next={next} forgotPassword={mailEnabled()} />
      </Card>
      <p className="mt-4 text-center text-sm text-muted">{t("byInvitation")}</p>
    </Main>
  );
}

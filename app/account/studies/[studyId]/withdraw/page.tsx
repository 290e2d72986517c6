import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { requireUserPage } from "@/lib/auth/current";
import { AppError } from "@/lib/errors";
import { listMyStudies, previewMyWithdrawal } from "@/lib/studies/participant-api";
import { localized } from "../../../../_components/localized";
import { ErasureProgress } from "../../../../_components/erasure-progress";
import { Card } from "../../../../_components/ui/card";
import { Notice } from "../../../../_components/ui/notice";
import { Main } from "../../../../_components/ui/main";
import { PageHeader } from "../../../../_components/ui/page-header";
import { WithdrawForm } from "./withdraw-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("account.withdraw");
  return { title: t("metaTitle") };
}

/**
 * The confirmation screen before withdrawing: exactly what happens under the study's data
 * policy, to which devices, how many readings and the intake answers.
 */
export default async function WithdrawPage({ params }: { params: Promise<{ studyId: string }> }) {
  const { studyId } = await params;
  const user = await requireUserPage(`/account/studies/${encodeURIComponent(studyId)}/withdraw`);
  const [t, format, locale] = await Promise.all([getTranslations("account.withdraw"), getFormatter(), getLocale()]);
  const study = (await listMyStudies(user)).find((s) => s.studyId === studyId);
  if (!study) notFound();
  const name = localized(study.name, locale);
  const back = { href: "/account", label: t("back") };
  if (study.withdrawnAt)
    return (
      <Main width="narrow">
        <PageHeader title={t("title", { study: name })} back={back} />
        <Notice tone="ok" title={t("withdrawnTitle", { study: name })} data-testid="withdrawn">
          <p>{study.dataPolicy === "retain" ? t("retained") : t("erased")}</p>
          {study.erasure && (
            <ErasureProgress
              erasureId={study.erasure.id}
              initial={{
                readingsDeleted: study.erasure.readingsDeleted,
                completedAt: study.erasure.completedAt ? study.erasure.completedAt.toISOString() : null,
              }}
            />
          )}
        </Notice>
      </Main>
    );
  const preview = await previewMyWithdrawal(user, studyId).catch((err) => {
    if (err instanceof AppError && err.code === "study_not_found") notFound();
    throw err;
  });
  const erase = preview.dataPolicy === "erase";
  const count = preview.devices.length;
  const readings = format.number(preview.readings);
  return (
    <Main width="narrow">
      <PageHeader title={t("title", { study: name })} description={t("description")} back={back} />
      <Card className="p-4 sm:p-5" data-testid="withdraw-preview">
        <h2 className="text-base font-semibold">{t("whatHappens")}</h2>
        <ul className="mt-3 list-disc space-y-2 ps-5 text-sm">
          <li>
            {count === 0
              ? t("noDevices")
              : t("devices", { count, names: preview.devices.map((d) => d.name).join(", ") })}
          </li>
          {erase ? (
            <>
              <li data-testid="withdraw-readings">{t("eraseReadings", { readings, count })}</li>
              <li>{preview.intakeAnswers ? t("eraseAnswers") : t("noAnswers")}</li>
              <li>{t("eraseTiming")}</li>
            </>
          ) : (
            <>
              <li data-testid="withdraw-readings">{t("retainReadings", { readings })}</li>
              <li>{t("nothingNew")}</li>
            </>
          )}
          <li>{t("whatStays")}</li>
        </ul>
      </Card>
      <div className="mt-5">
        <WithdrawForm studyId={studyId} studyName={name} />
      </div>
    </Main>
  );
}

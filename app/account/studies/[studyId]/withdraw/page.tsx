import type { Metadata } from "next";
import { notFound } from "next/navigation";
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

export const metadata: Metadata = { title: "Withdraw from a study" };

/**
 * The confirmation screen before withdrawing: exactly what happens under the study's data
 * policy, to which devices, how many readings and the intake answers.
 */
export default async function WithdrawPage({ params }: { params: Promise<{ studyId: string }> }) {
  const { studyId } = await params;
  const user = await requireUserPage(`/account/studies/${encodeURIComponent(studyId)}/withdraw`);
  const study = (await listMyStudies(user)).find((s) => s.studyId === studyId);
  if (!study) notFound();
  const name = localized(study.name);
  if (study.withdrawnAt)
    return (
      <Main width="narrow">
        <PageHeader title={`Withdraw from ${name}`} back={{ href: "/account", label: "Your account" }} />
        <Notice tone="ok" title={`You have withdrawn from ${name}`} data-testid="withdrawn">
          <p>
            {study.dataPolicy === "retain"
              ? "The data collected until then stays in the study, without your name or email."
              : "Your data in the study is deleted."}
          </p>
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
  const n = preview.devices.length;
  const readings = preview.readings.toLocaleString("en-GB");
  return (
    <Main width="narrow">
      <PageHeader
        title={`Withdraw from ${name}`}
        description="Read what withdrawing does before you decide. It cannot be undone."
        back={{ href: "/account", label: "Your account" }}
      />
      <Card className="p-4 sm:p-5" data-testid="withdraw-preview">
        <h2 className="text-base font-semibold">What happens when you withdraw</h2>
        <ul className="mt-3 list-disc space-y-2 ps-5 text-sm">
          <li>
            {n === 0
              ? "You have no devices in this study."
              : `${n === 1 ? "Your device" : `Your ${n} devices`} in this study (${preview.devices.map((d) => d.name).join(", ")}) ${n === 1 ? "stops" : "stop"} sending data at once and ${n === 1 ? "is" : "are"} released from your account.`}
          </li>
          {erase ? (
            <>
              <li data-testid="withdraw-readings">
                All {readings} readings of {n === 1 ? "that device" : "those devices"} are deleted, and so are the
                device records.
              </li>
              <li>
                {preview.intakeAnswers
                  ? "Your answers to the intake questions are deleted."
                  : "You have not answered the intake questions; nothing to delete there."}
              </li>
              <li>
                The researchers no longer see you from the moment you withdraw. Deleting the readings takes a little
                while; this page shows when it is done.
              </li>
            </>
          ) : (
            <>
              <li data-testid="withdraw-readings">
                The study keeps the {readings} readings collected until now, and your intake answers, without your name,
                email or address, marked as withdrawn today. This is what the consent text said.
              </li>
              <li>Nothing new is collected from you for this study.</li>
            </>
          )}
          <li>
            What stays: your account (and any other study you are in), and the record that you took part, consented and
            withdrew.
          </li>
        </ul>
      </Card>
      <div className="mt-5">
        <WithdrawForm studyId={studyId} studyName={name} />
      </div>
    </Main>
  );
}

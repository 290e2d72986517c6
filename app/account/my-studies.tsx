import { useLocale, useTranslations } from "next-intl";
import type { MyStudyOverview } from "@/lib/studies/participant";
import { ErasureProgress } from "../_components/erasure-progress";
import { localized } from "../_components/localized";
import { Time } from "../_components/time";
import { Badge, type Tone } from "../_components/ui/badge";
import { ButtonLink } from "../_components/ui/button";

const TONES: Record<MyStudyOverview["state"], Tone> = {
  consented: "ok",
  not_consented: "warn",
  reconsent_pending: "warn",
  withdrawn: "neutral",
};

/** The studies on /account: where each stands, the way to its consent text and to withdraw, and erasure progress. */
export function MyStudies({ studies }: { studies: MyStudyOverview[] }) {
  const t = useTranslations("account.studies");
  const locale = useLocale();
  if (studies.length === 0) return <p className="text-sm text-muted">{t("none")}</p>;
  return (
    <ul className="divide-y divide-line" data-testid="my-studies">
      {studies.map((s) => (
        <li key={s.studyId} className="py-3 first:pt-0 last:pb-0" data-study-id={s.studyId}>
          <div className="flex flex-wrap items-center justify-between gap-x-3 gap-y-2">
            <div className="flex min-w-0 flex-wrap items-center gap-2">
              <span className="font-medium">{localized(s.name, locale)}</span>
              <Badge tone={TONES[s.state]} dot>
                {t(`states.${s.state}`)}
              </Badge>
            </div>
            {!s.withdrawnAt && (
              <div className="flex flex-wrap gap-2">
                <ButtonLink href={`/studies/${s.studyId}/consent`} variant="secondary" size="sm">
                  {s.state === "consented" ? t("consentText") : t("readAndConsent")}
                </ButtonLink>
                <ButtonLink href={`/account/studies/${s.studyId}/withdraw`} variant="danger-outline" size="sm">
                  {t("withdraw")}
                </ButtonLink>
              </div>
            )}
          </div>
          {s.withdrawnAt && (
            <div className="mt-1 text-sm text-muted">
              <p>
                {t.rich("withdrewOn", { time: () => <Time value={s.withdrawnAt} /> })}{" "}
                {s.dataPolicy === "retain" ? t("retained") : null}
              </p>
              {s.erasure && (
                <ErasureProgress
                  erasureId={s.erasure.id}
                  initial={{
                    readingsDeleted: s.erasure.readingsDeleted,
                    completedAt: s.erasure.completedAt ? s.erasure.completedAt.toISOString() : null,
                  }}
                />
              )}
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { requireUserPage } from "@/lib/auth/current";
import { readableStudiesRequest } from "@/lib/studies/api";
import { localized } from "../_components/localized";
import { Badge } from "../_components/ui/badge";
import { DataTable } from "../_components/ui/data-table";
import { EmptyState } from "../_components/ui/empty-state";
import { Main } from "../_components/ui/main";
import { PageHeader } from "../_components/ui/page-header";
import { STATUS_TONE } from "../staff/studies/study-text";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("research");
  return { title: t("title") };
}

/** A researcher's own area: the studies granted to them. Nothing here names a participant. */
export default async function ResearchPage() {
  const me = await requireUserPage("/research");
  const { studies } = await readableStudiesRequest(me);
  const [t, locale] = await Promise.all([getTranslations("research"), getLocale()]);
  return (
    <Main width="wide">
      <PageHeader title={t("title")} description={t("description")} />
      {studies.length === 0 ? (
        <EmptyState title={t("none")} data-testid="research-empty">
          {t("noneText")}
        </EmptyState>
      ) : (
        <DataTable
          data-testid="research-studies"
          rows={studies}
          rowKey={(s) => s.id}
          columns={[
            {
              key: "name",
              header: t("columns.study"),
              primary: true,
              cell: (s) => (
                <Link href={`/research/${s.id}`} className="font-medium">
                  {localized(s.name, locale)}
                </Link>
              ),
            },
            {
              key: "status",
              header: t("columns.status"),
              nowrap: true,
              cell: (s) => <Badge tone={STATUS_TONE[s.status]}>{t(`statuses.${s.status}`)}</Badge>,
            },
            {
              key: "dates",
              header: t("columns.dates"),
              nowrap: true,
              cell: (s) => t("range", { from: s.startsOn, to: s.endsOn }),
            },
            { key: "policy", header: t("columns.policy"), nowrap: true, cell: (s) => t(`policies.${s.dataPolicy}`) },
          ]}
        />
      )}
    </Main>
  );
}

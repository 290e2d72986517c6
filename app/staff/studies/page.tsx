import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { requireStaffPage } from "@/lib/auth/current";
import { canChangeStaffData } from "@/lib/auth/roles";
import { listStudiesRequest } from "@/lib/studies/api";
import { ButtonLink } from "../../_components/ui/button";
import { DataTable } from "../../_components/ui/data-table";
import { EmptyState } from "../../_components/ui/empty-state";
import { Main } from "../../_components/ui/main";
import { PageHeader } from "../../_components/ui/page-header";
import { studyColumns } from "./study-text";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("staffStudies"))("metaTitle") };
}

export default async function StudiesPage() {
  const me = await requireStaffPage("/staff/studies");
  const t = await getTranslations("staffStudies");
  const canChange = canChangeStaffData(me.role);
  const { studies } = await listStudiesRequest();
  const create = canChange ? <ButtonLink href="/staff/studies/new">{t("new")}</ButtonLink> : null;
  return (
    <Main width="console">
      <PageHeader title={t("title")} description={t("description")} actions={studies.length > 0 ? create : null} />
      {studies.length === 0 ? (
        <EmptyState title={t("emptyTitle")} action={create} data-testid="studies-empty">
          {t("empty")}
        </EmptyState>
      ) : (
        <DataTable
          data-testid="studies"
          rows={studies}
          rowKey={(s) => s.id}
          rowProps={(s) => ({ "data-study-id": s.id })}
          columns={[
            ...studyColumns((s) => `/staff/studies/${s.id}`),
            {
              key: "models",
              header: t("models"),
              cell: (s) =>
                s.models.length ? s.models.join(", ") : <span className="text-muted">{t("anyModel")}</span>,
            },
          ]}
        />
      )}
    </Main>
  );
}

import type { Metadata } from "next";
import { requireStaffPage } from "@/lib/auth/current";
import { canChangeStaffData } from "@/lib/auth/roles";
import { listStudiesRequest } from "@/lib/studies/api";
import { ButtonLink } from "../../_components/ui/button";
import { DataTable } from "../../_components/ui/data-table";
import { EmptyState } from "../../_components/ui/empty-state";
import { Main } from "../../_components/ui/main";
import { PageHeader } from "../../_components/ui/page-header";
import { studyColumns } from "./study-text";

export const metadata: Metadata = { title: "Studies" };

export default async function StudiesPage() {
  const me = await requireStaffPage("/staff/studies");
  const canChange = canChangeStaffData(me.role);
  const { studies } = await listStudiesRequest();
  const create = canChange ? <ButtonLink href="/staff/studies/new">New study</ButtonLink> : null;
  return (
    <Main width="console">
      <PageHeader
        title="Studies"
        description="Households enrolled with informed consent, their devices, and the pseudonymous data researchers read."
        actions={studies.length > 0 ? create : null}
      />
      {studies.length === 0 ? (
        <EmptyState title="No studies yet" action={create} data-testid="studies-empty">
          A study groups participants who consented to run devices at home, with its own consent text, checklist and
          researchers.
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
              header: "Models",
              cell: (s) => (s.models.length ? s.models.join(", ") : <span className="text-muted">any</span>),
            },
          ]}
        />
      )}
    </Main>
  );
}

import type { Metadata } from "next";
import { requireUserPage } from "@/lib/auth/current";
import { readableStudiesRequest } from "@/lib/studies/api";
import { DataTable } from "../_components/ui/data-table";
import { EmptyState } from "../_components/ui/empty-state";
import { Main } from "../_components/ui/main";
import { PageHeader } from "../_components/ui/page-header";
import { studyColumns } from "../staff/studies/study-text";

export const metadata: Metadata = { title: "Your studies" };

/** A researcher's own area: the studies granted to them. Nothing here names a participant. */
export default async function ResearchPage() {
  const me = await requireUserPage("/research");
  const { studies } = await readableStudiesRequest(me);
  return (
    <Main width="wide">
      <PageHeader
        title="Your studies"
        description="Each study's dashboard and its export. Participants and devices appear only as pseudonyms."
      />
      {studies.length === 0 ? (
        <EmptyState title="No studies to read" data-testid="research-empty">
          Staff grant researchers access to a study. Once they have, it appears here.
        </EmptyState>
      ) : (
        <DataTable
          data-testid="research-studies"
          rows={studies}
          rowKey={(s) => s.id}
          columns={[...studyColumns((s) => `/research/${s.id}`)]}
        />
      )}
    </Main>
  );
}

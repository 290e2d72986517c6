import type { Metadata } from "next";
import Link from "next/link";
import { requireUserPage } from "@/lib/auth/current";
import { readableStudiesRequest } from "@/lib/studies/api";
import { Badge } from "../_components/ui/badge";
import { DataTable } from "../_components/ui/data-table";
import { EmptyState } from "../_components/ui/empty-state";
import { Main } from "../_components/ui/main";
import { PageHeader } from "../_components/ui/page-header";
import { STATUS_TONE, studyName } from "../staff/studies/study-text";

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
          columns={[
            {
              key: "name",
              header: "Study",
              primary: true,
              cell: (s) => (
                <Link href={`/research/${s.id}`} className="font-medium">
                  {studyName(s.name)}
                </Link>
              ),
            },
            {
              key: "status",
              header: "Status",
              nowrap: true,
              cell: (s) => <Badge tone={STATUS_TONE[s.status]}>{s.status}</Badge>,
            },
            { key: "dates", header: "Dates (UTC)", nowrap: true, cell: (s) => `${s.startsOn} – ${s.endsOn}` },
            { key: "policy", header: "On withdrawal", nowrap: true, cell: (s) => s.dataPolicy },
          ]}
        />
      )}
    </Main>
  );
}

import type { Metadata } from "next";
import { KeyRound } from "lucide-react";
import { requireStaffPage } from "@/lib/auth/current";
import { canChangeStaffData } from "@/lib/auth/roles";
import { allTokens } from "@/lib/integrations/api";
import { Time } from "../../_components/time";
import { Badge } from "../../_components/ui/badge";
import { DataTable } from "../../_components/ui/data-table";
import { EmptyState } from "../../_components/ui/empty-state";
import { Main } from "../../_components/ui/main";
import { PageHeader } from "../../_components/ui/page-header";
import { Truncate } from "../../_components/ui/truncate";
import { RevokeTokenButton } from "./revoke-token";

export const metadata: Metadata = { title: "API tokens" };

const STATE_TONE = { active: "ok", expired: "neutral", revoked: "danger" } as const;

export default async function StaffTokensPage() {
  const me = await requireStaffPage("/staff/tokens");
  const canChange = canChangeStaffData(me.role); // support reads only
  const tokens = await allTokens();
  return (
    <Main width="console">
      <PageHeader
        title="API tokens"
        description="Every account's tokens for programs that read on its behalf. Revoking one refuses its next request."
      />
      {tokens.length === 0 ? (
        <EmptyState title="No API tokens" icon={<KeyRound aria-hidden className="size-6" />}>
          People make tokens on their account page (Account, API tokens); they appear here with their last use.
        </EmptyState>
      ) : (
        <DataTable
          data-testid="staff-tokens"
          rows={tokens}
          rowKey={(t) => t.id}
          rowProps={(t) => ({ "data-token": t.id })}
          actionsHeader="Actions"
          actions={
            canChange ? (t) => (t.state === "active" ? <RevokeTokenButton id={t.id} name={t.name} /> : null) : undefined
          }
          columns={[
            {
              key: "name",
              header: "Token",
              primary: true,
              cell: (t) => (
                <div className="min-w-0">
                  <span className="block">{t.name}</span>
                  <code className="text-xs font-normal text-muted">{t.prefix}…</code>
                </div>
              ),
            },
            { key: "owner", header: "Account", cell: (t) => <Truncate value={t.owner} /> },
            { key: "scopes", header: "Scopes", cell: (t) => t.scopes.join(", ") },
            {
              key: "state",
              header: "State",
              nowrap: true,
              cell: (t) => <Badge tone={STATE_TONE[t.state]}>{t.state}</Badge>,
            },
            { key: "expires", header: "Expires", nowrap: true, cell: (t) => <Time value={t.expiresAt} /> },
            {
              key: "used",
              header: "Last used",
              nowrap: true,
              cell: (t) => (t.lastUsedAt ? <Time value={t.lastUsedAt} /> : <span className="text-muted">never</span>),
            },
          ]}
        />
      )}
    </Main>
  );
}

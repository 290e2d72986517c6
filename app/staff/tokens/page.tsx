import type { Metadata } from "next";
import { KeyRound } from "lucide-react";
import { getTranslations } from "next-intl/server";
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

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("staffTokens");
  return { title: t("title") };
}

const STATE_TONE = { active: "ok", expired: "neutral", revoked: "danger" } as const;

export default async function StaffTokensPage() {
  const me = await requireStaffPage("/staff/tokens");
  const canChange = canChangeStaffData(me.role); // support reads only
  const tokens = await allTokens();
  const t = await getTranslations("staffTokens");
  return (
    <Main width="console">
      <PageHeader title={t("title")} description={t("description")} />
      {tokens.length === 0 ? (
        <EmptyState title={t("none")} icon={<KeyRound aria-hidden className="size-6" />}>
          {t("noneText")}
        </EmptyState>
      ) : (
        <DataTable
          data-testid="staff-tokens"
          rows={tokens}
          rowKey={(k) => k.id}
          rowProps={(k) => ({ "data-token": k.id })}
          actionsHeader={t("columns.actions")}
          actions={
            canChange ? (k) => (k.state === "active" ? <RevokeTokenButton id={k.id} name={k.name} /> : null) : undefined
          }
          columns={[
            {
              key: "name",
              header: t("columns.token"),
              primary: true,
              cell: (k) => (
                <div className="min-w-0">
                  <span className="block">{k.name}</span>
                  <code className="text-xs font-normal text-muted">{k.prefix}…</code>
                </div>
              ),
            },
            { key: "owner", header: t("columns.account"), cell: (k) => <Truncate value={k.owner} /> },
            { key: "scopes", header: t("columns.scopes"), cell: (k) => k.scopes.join(", ") },
            {
              key: "state",
              header: t("columns.state"),
              nowrap: true,
              cell: (k) => <Badge tone={STATE_TONE[k.state]}>{t(`states.${k.state}`)}</Badge>,
            },
            { key: "expires", header: t("columns.expires"), nowrap: true, cell: (k) => <Time value={k.expiresAt} /> },
            {
              key: "used",
              header: t("columns.used"),
              nowrap: true,
              cell: (k) =>
                k.lastUsedAt ? <Time value={k.lastUsedAt} /> : <span className="text-muted">{t("never")}</span>,
            },
          ]}
        />
      )}
    </Main>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { pendingInvitations, searchAccounts } from "@/lib/accounts/staff-api";
import { requireStaffPage } from "@/lib/auth/current";
import { canChangeStaffData } from "@/lib/auth/roles";
import { mailLocale } from "@/lib/mail/messages";
import { studiesOpenForInvitations } from "@/lib/studies/api";
import { Time } from "../../_components/time";
import { Badge } from "../../_components/ui/badge";
import { Button } from "../../_components/ui/button";
import { Panel } from "../../_components/ui/card";
import { DataTable } from "../../_components/ui/data-table";
import { Field, Input } from "../../_components/ui/field";
import { Main } from "../../_components/ui/main";
import { Notice } from "../../_components/ui/notice";
import { PageHeader } from "../../_components/ui/page-header";
import { Truncate } from "../../_components/ui/truncate";
import { AccountActions } from "./account-actions";
import { InvitationActions } from "./invitation-actions";
import { InviteForm } from "./invite-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("staffAccounts");
  return { title: t("title") };
}

const ROLE_TONE = { participant: "neutral", staff: "accent", support: "accent", researcher: "neutral" } as const;

export default async function AccountsPage({ searchParams }: { searchParams: Promise<{ q?: string }> }) {
  const me = await requireStaffPage("/staff/accounts");
  const canChange = canChangeStaffData(me.role);
  const q = typeof (await searchParams).q === "string" ? (await searchParams).q!.slice(0, 100) : "";
  const [{ accounts }, { invitations }, studies] = await Promise.all([
    searchAccounts({ q }),
    pendingInvitations(),
    studiesOpenForInvitations(),
  ]);
  const t = await getTranslations("staffAccounts");
  const roles = await getTranslations("account.roles");

  return (
    <Main width="console">
      <PageHeader title={t("title")} description={t("description")} />
      <div className="space-y-8">
        {canChange ? (
          <Panel
            title={t("inviteTitle")}
            actions={
              <Link href="/staff/accounts/bulk-invite" className="text-sm">
                {t("inviteMany")}
              </Link>
            }
          >
            <InviteForm studies={studies} defaultLocale={mailLocale(null)} />
          </Panel>
        ) : (
          <Notice data-testid="read-only">{t("readOnly")}</Notice>
        )}

        <section aria-labelledby="invitations-title" className="space-y-3">
          <h2 id="invitations-title" className="text-lg font-semibold">
            {t("pendingTitle")}
          </h2>
          {invitations.length === 0 ? (
            <p className="text-sm text-muted">{t("noPending")}</p>
          ) : (
            <DataTable
              data-testid="invitations"
              rows={invitations}
              rowKey={(i) => i.id}
              actionsHeader={t("columns.actions")}
              actions={canChange ? (i) => <InvitationActions id={i.id} email={i.email} /> : undefined}
              columns={[
                {
                  key: "email",
                  header: t("columns.email"),
                  primary: true,
                  cell: (i) => <Truncate value={i.email} className="max-w-72" />,
                },
                {
                  key: "name",
                  header: t("columns.name"),
                  cell: (i) => <Truncate value={i.name} className="max-w-56" />,
                },
                {
                  key: "role",
                  header: t("columns.role"),
                  nowrap: true,
                  cell: (i) => <Badge tone={ROLE_TONE[i.role] ?? "neutral"}>{roles(i.role)}</Badge>,
                },
                {
                  key: "language",
                  header: t("columns.language"),
                  nowrap: true,
                  cell: (i) =>
                    i.locale ? (
                      t(`languages.${i.locale}`)
                    ) : (
                      <span className="text-muted">{t("languages.default")}</span>
                    ),
                },
                {
                  key: "expires",
                  header: t("columns.expires"),
                  nowrap: true,
                  cell: (i) => <Time value={i.expiresAt} />,
                },
              ]}
            />
          )}
        </section>

        <section aria-labelledby="accounts-title" className="space-y-3">
          <div className="flex flex-wrap items-end justify-between gap-3">
            <h2 id="accounts-title" className="text-lg font-semibold">
              {t("allTitle")}
            </h2>
            <form role="search" action="/staff/accounts" className="flex w-full max-w-md items-end gap-2">
              <Field id="q" label={t("search")} className="flex-1">
                <Input id="q" name="q" type="search" defaultValue={q} maxLength={100} />
              </Field>
              <Button type="submit" variant="secondary">
                {t("searchButton")}
              </Button>
            </form>
          </div>
          {accounts.length === 0 ? (
            <p className="text-sm text-muted">{q ? t("noMatch", { q }) : t("noAccounts")}</p>
          ) : (
            <DataTable
              data-testid="accounts"
              rows={accounts}
              rowKey={(a) => a.id}
              rowProps={(a) => ({ "data-email": a.email })}
              actionsHeader={t("columns.actions")}
              actions={
                canChange
                  ? (a) =>
                      a.id === me.id ? (
                        <Badge tone="accent">{t("you")}</Badge>
                      ) : (
                        <AccountActions
                          id={a.id}
                          email={a.email}
                          disabled={a.disabledAt !== null}
                          role={a.role}
                          twoFactor={a.twoFactor}
                        />
                      )
                  : undefined
              }
              columns={[
                {
                  key: "account",
                  header: t("columns.account"),
                  primary: true,
                  cell: (a) => (
                    <div className="min-w-0">
                      <Link href={`/staff/accounts/${a.id}`} data-testid="account-link">
                        <Truncate value={a.name} className="max-w-72" />
                      </Link>
                      <Truncate value={a.email} className="max-w-72 text-xs font-normal text-muted" />
                    </div>
                  ),
                },
                {
                  key: "role",
                  header: t("columns.role"),
                  nowrap: true,
                  cell: (a) => <Badge tone={ROLE_TONE[a.role]}>{roles(a.role)}</Badge>,
                },
                {
                  key: "status",
                  header: t("columns.status"),
                  nowrap: true,
                  cell: (a) =>
                    a.disabledAt ? (
                      <Badge tone="danger">{t("states.disabled")}</Badge>
                    ) : (
                      <Badge tone="ok" dot>
                        {t("states.active")}
                      </Badge>
                    ),
                },
                {
                  key: "2fa",
                  header: t("columns.twoFactor"),
                  nowrap: true,
                  cell: (a) => (a.twoFactor ? t("on") : <span className="text-muted">{t("off")}</span>),
                },
                {
                  key: "created",
                  header: t("columns.created"),
                  nowrap: true,
                  cell: (a) => <Time value={a.createdAt} />,
                },
                {
                  key: "audit",
                  header: t("columns.audit"),
                  nowrap: true,
                  cell: (a) => (
                    <Link href={`/staff/audit?account=${a.id}`} className="text-sm">
                      {t("auditTrail")}
                    </Link>
                  ),
                },
              ]}
            />
          )}
        </section>
      </div>
    </Main>
  );
}

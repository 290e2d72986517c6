import type { Metadata } from "next";
import Link from "next/link";
import { pendingInvitations, searchAccounts } from "@/lib/accounts/staff-api";
import { requireStaffPage } from "@/lib/auth/current";
import { canChangeStaffData } from "@/lib/auth/roles";
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

export const metadata: Metadata = { title: "Accounts" };

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

  return (
    <Main width="console">
      <PageHeader title="Accounts" description="Everyone who can sign in, and the invitations not yet accepted." />
      <div className="space-y-8">
        {canChange ? (
          <Panel
            title="Invite someone"
            actions={
              <Link href="/staff/accounts/bulk-invite" className="text-sm">
                Invite many from a CSV file
              </Link>
            }
          >
            <InviteForm studies={studies} />
          </Panel>
        ) : (
          <Notice data-testid="read-only">Your support account can see everything here and change nothing.</Notice>
        )}

        <section aria-labelledby="invitations-title" className="space-y-3">
          <h2 id="invitations-title" className="text-lg font-semibold">
            Pending invitations
          </h2>
          {invitations.length === 0 ? (
            <p className="text-sm text-muted">No pending invitations.</p>
          ) : (
            <DataTable
              data-testid="invitations"
              rows={invitations}
              rowKey={(i) => i.id}
              actionsHeader="Actions"
              actions={canChange ? (i) => <InvitationActions id={i.id} email={i.email} /> : undefined}
              columns={[
                {
                  key: "email",
                  header: "Email",
                  primary: true,
                  cell: (i) => <Truncate value={i.email} className="max-w-72" />,
                },
                { key: "name", header: "Name", cell: (i) => <Truncate value={i.name} className="max-w-56" /> },
                {
                  key: "role",
                  header: "Role",
                  nowrap: true,
                  cell: (i) => <Badge tone={ROLE_TONE[i.role as keyof typeof ROLE_TONE] ?? "neutral"}>{i.role}</Badge>,
                },
                { key: "expires", header: "Expires", nowrap: true, cell: (i) => <Time value={i.expiresAt} /> },
              ]}
            />
          )}
        </section>

        <section aria-labelledby="accounts-title" className="space-y-3">
          <div className="flex flex-wrap items-end justify-between gap-3">
            <h2 id="accounts-title" className="text-lg font-semibold">
              All accounts
            </h2>
            <form role="search" action="/staff/accounts" className="flex w-full max-w-md items-end gap-2">
              <Field id="q" label="Search by email or name" className="flex-1">
                <Input id="q" name="q" type="search" defaultValue={q} maxLength={100} />
              </Field>
              <Button type="submit" variant="secondary">
                Search
              </Button>
            </form>
          </div>
          {accounts.length === 0 ? (
            <p className="text-sm text-muted">{q ? `No account matches “${q}”.` : "No accounts yet."}</p>
          ) : (
            <DataTable
              data-testid="accounts"
              rows={accounts}
              rowKey={(a) => a.id}
              rowProps={(a) => ({ "data-email": a.email })}
              actionsHeader="Actions"
              actions={
                canChange
                  ? (a) =>
                      a.id === me.id ? (
                        <Badge tone="accent">you</Badge>
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
                  header: "Account",
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
                  header: "Role",
                  nowrap: true,
                  cell: (a) => <Badge tone={ROLE_TONE[a.role]}>{a.role}</Badge>,
                },
                {
                  key: "status",
                  header: "Status",
                  nowrap: true,
                  cell: (a) =>
                    a.disabledAt ? (
                      <Badge tone="danger">disabled</Badge>
                    ) : (
                      <Badge tone="ok" dot>
                        active
                      </Badge>
                    ),
                },
                {
                  key: "2fa",
                  header: "Two-factor",
                  nowrap: true,
                  cell: (a) => (a.twoFactor ? "on" : <span className="text-muted">off</span>),
                },
                { key: "created", header: "Created", nowrap: true, cell: (a) => <Time value={a.createdAt} /> },
                {
                  key: "audit",
                  header: "Audit",
                  nowrap: true,
                  cell: (a) => (
                    <Link href={`/staff/audit?account=${a.id}`} className="text-sm">
                      Audit trail
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

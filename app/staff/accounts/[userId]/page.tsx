import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { accountForStaff } from "@/lib/accounts/staff-api";
import { requireStaffPage } from "@/lib/auth/current";
import { canChangeStaffData } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { localized } from "../../../_components/localized";
import { Time } from "../../../_components/time";
import { Badge, type Tone } from "../../../_components/ui/badge";
import { Panel } from "../../../_components/ui/card";
import { DataTable } from "../../../_components/ui/data-table";
import { Main } from "../../../_components/ui/main";
import { Notice } from "../../../_components/ui/notice";
import { PageHeader } from "../../../_components/ui/page-header";
import { Truncate } from "../../../_components/ui/truncate";
import { deletionConsequences, withdrawalConsequences } from "./consequences";
import { DeleteOnRequest, WithdrawOnRequest } from "./on-request";

export const metadata: Metadata = { title: "Account" };

const STATE: Record<string, { label: string; tone: Tone }> = {
  consented: { label: "taking part", tone: "ok" },
  not_consented: { label: "consent needed", tone: "warn" },
  reconsent_pending: { label: "asked again", tone: "warn" },
  withdrawn: { label: "withdrawn", tone: "neutral" },
};

/**
 * One account for staff: its studies, and what staff do on its holder's request (withdraw from
 * a study, delete the account), each confirmed in a dialog that says exactly what will happen.
 */
export default async function StaffAccountPage({ params }: { params: Promise<{ userId: string }> }) {
  const { userId } = await params;
  const me = await requireStaffPage(`/staff/accounts/${encodeURIComponent(userId)}`);
  const o = await accountForStaff(userId).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  });
  const a = o.account;
  const self = a.id === me.id;
  const canAct = canChangeStaffData(me.role) && !a.deletedAt;
  const fact = (label: string, value: ReactNode) => (
    <div className="min-w-0">
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="mt-0.5 min-w-0 text-sm">{value}</dd>
    </div>
  );
  return (
    <Main width="console">
      <PageHeader
        back={{ href: "/staff/accounts", label: "Accounts" }}
        title={a.name}
        titleTestId="account-name"
        badge={
          a.deletedAt ? (
            <Badge tone="danger">deleted</Badge>
          ) : a.disabledAt ? (
            <Badge tone="danger">disabled</Badge>
          ) : (
            <Badge tone="ok" dot>
              active
            </Badge>
          )
        }
        description={<Truncate value={a.email} className="max-w-full" />}
      />
      <div className="space-y-6">
        <dl
          className="grid grid-cols-2 gap-x-6 gap-y-4 rounded-lg border border-line bg-surface p-4 shadow-xs lg:grid-cols-4"
          data-testid="account-facts"
        >
          {fact("Role", <Badge>{a.role}</Badge>)}
          {fact("Two-factor", a.twoFactor ? "on" : "off")}
          {fact("Created", <Time value={a.createdAt} />)}
          {fact(
            "Audit",
            <Link href={`/staff/audit?account=${a.id}`} className="text-sm">
              Audit trail
            </Link>,
          )}
        </dl>

        <Panel title="Studies" id="studies" description="The studies this account is or was in.">
          {o.studies.length === 0 ? (
            <p className="text-sm text-muted">Not in any study.</p>
          ) : (
            <DataTable
              data-testid="account-studies"
              rows={o.studies}
              rowKey={(s) => s.studyId}
              rowProps={(s) => ({ "data-study-id": s.studyId })}
              actionsHeader="Actions"
              actions={
                canAct
                  ? (s) =>
                      s.withdrawal ? (
                        <WithdrawOnRequest
                          userId={a.id}
                          studyId={s.studyId}
                          studyName={localized(s.name)}
                          who={a.name}
                          email={a.email}
                          consequences={withdrawalConsequences(s)}
                        />
                      ) : null
                  : undefined
              }
              columns={[
                {
                  key: "study",
                  header: "Study",
                  primary: true,
                  cell: (s) => (
                    <Link href={`/staff/studies/${s.studyId}`}>
                      <Truncate value={localized(s.name)} className="max-w-64" />
                    </Link>
                  ),
                },
                {
                  key: "state",
                  header: "State",
                  nowrap: true,
                  cell: (s) => (
                    <Badge tone={STATE[s.state]?.tone ?? "neutral"}>{STATE[s.state]?.label ?? s.state}</Badge>
                  ),
                },
                { key: "policy", header: "Data policy", nowrap: true, cell: (s) => s.dataPolicy },
                {
                  key: "data",
                  header: "Data",
                  cell: (s) =>
                    s.withdrawal ? (
                      `${s.withdrawal.devices.length} device${s.withdrawal.devices.length === 1 ? "" : "s"}, ${s.withdrawal.readings.toLocaleString("en-GB")} readings`
                    ) : (
                      <span data-testid="withdrawn-at">
                        withdrawn <Time value={s.withdrawnAt!} />
                        {s.erasure &&
                          (s.erasure.completedAt
                            ? `; erased (${s.erasure.readingsDeleted.toLocaleString("en-GB")} readings)`
                            : "; erasing…")}
                      </span>
                    ),
                },
              ]}
            />
          )}
        </Panel>

        {a.deletedAt ? (
          <Notice tone="warn" title="This account was deleted" data-testid="account-deleted">
            <p>
              Deleted <Time value={a.deletedAt} />: its email and name were replaced and it cannot sign in.
            </p>
          </Notice>
        ) : self ? (
          <Notice title="This is your account" data-testid="own-account">
            <p>
              Staff cannot delete their own account on request. To delete yours, use “Delete my account” on{" "}
              <Link href="/account">your account page</Link>.
            </p>
          </Notice>
        ) : (
          canAct && (
            <Panel
              title="Delete the account on request"
              id="deletion"
              description="The right to erasure, when its holder asks for it."
              actions={
                <DeleteOnRequest userId={a.id} who={a.name} email={a.email} consequences={deletionConsequences(o)} />
              }
            >
              <p className="text-sm text-muted">
                It leaves every study under that study&apos;s data policy and erases what the account owns; the dialog
                lists each step before you confirm.
              </p>
            </Panel>
          )
        )}
      </div>
    </Main>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
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

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("staffAccounts.account");
  return { title: t("title") };
}

const STATE_TONE: Record<string, Tone> = {
  consented: "ok",
  not_consented: "warn",
  reconsent_pending: "warn",
  withdrawn: "neutral",
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
  const [locale, t, tt, roles, words] = await Promise.all([
    getLocale(),
    getTranslations("staffAccounts"),
    getTranslations("staffAccounts.account"),
    getTranslations("account.roles"),
    getTranslations("staffAccounts.consequences"),
  ]);
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
        back={{ href: "/staff/accounts", label: t("title") }}
        title={a.name}
        titleTestId="account-name"
        badge={
          a.deletedAt ? (
            <Badge tone="danger">{t("states.deleted")}</Badge>
          ) : a.disabledAt ? (
            <Badge tone="danger">{t("states.disabled")}</Badge>
          ) : (
            <Badge tone="ok" dot>
              {t("states.active")}
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
          {fact(tt("facts.role"), <Badge>{roles(a.role)}</Badge>)}
          {fact(tt("facts.twoFactor"), a.twoFactor ? t("on") : t("off"))}
          {fact(tt("facts.created"), <Time value={a.createdAt} />)}
          {fact(
            tt("facts.audit"),
            <Link href={`/staff/audit?account=${a.id}`} className="text-sm">
              {t("auditTrail")}
            </Link>,
          )}
        </dl>

        <Panel title={tt("studiesTitle")} id="studies" description={tt("studiesText")}>
          {o.studies.length === 0 ? (
            <p className="text-sm text-muted">{tt("noStudies")}</p>
          ) : (
            <DataTable
              data-testid="account-studies"
              rows={o.studies}
              rowKey={(s) => s.studyId}
              rowProps={(s) => ({ "data-study-id": s.studyId })}
              actionsHeader={tt("columns.actions")}
              actions={
                canAct
                  ? (s) =>
                      s.withdrawal ? (
                        <WithdrawOnRequest
                          userId={a.id}
                          studyId={s.studyId}
                          studyName={localized(s.name, locale)}
                          who={a.name}
                          email={a.email}
                          consequences={withdrawalConsequences(words, s)}
                        />
                      ) : null
                  : undefined
              }
              columns={[
                {
                  key: "study",
                  header: tt("columns.study"),
                  primary: true,
                  cell: (s) => (
                    <Link href={`/staff/studies/${s.studyId}`}>
                      <Truncate value={localized(s.name, locale)} className="max-w-64" />
                    </Link>
                  ),
                },
                {
                  key: "state",
                  header: tt("columns.state"),
                  nowrap: true,
                  cell: (s) => (
                    <Badge tone={STATE_TONE[s.state] ?? "neutral"}>
                      {tt.has(`studyStates.${s.state}`) ? tt(`studyStates.${s.state}`) : s.state}
                    </Badge>
                  ),
                },
                {
                  key: "policy",
                  header: tt("columns.policy"),
                  nowrap: true,
                  cell: (s) => tt(`policies.${s.dataPolicy}`),
                },
                {
                  key: "data",
                  header: tt("columns.data"),
                  cell: (s) =>
                    s.withdrawal ? (
                      tt("data", { devices: s.withdrawal.devices.length, readings: s.withdrawal.readings })
                    ) : (
                      <span data-testid="withdrawn-at">
                        {tt.rich("withdrawnAt", { time: () => <Time value={s.withdrawnAt!} /> })}
                        {s.erasure &&
                          (s.erasure.completedAt
                            ? tt("erased", { readings: s.erasure.readingsDeleted })
                            : tt("erasing"))}
                      </span>
                    ),
                },
              ]}
            />
          )}
        </Panel>

        {a.deletedAt ? (
          <Notice tone="warn" title={tt("deletedTitle")} data-testid="account-deleted">
            <p>{tt.rich("deletedText", { time: () => <Time value={a.deletedAt!} /> })}</p>
          </Notice>
        ) : self ? (
          <Notice title={tt("ownTitle")} data-testid="own-account">
            <p>{tt.rich("ownText", { link: (chunks) => <Link href="/account">{chunks}</Link> })}</p>
          </Notice>
        ) : (
          canAct && (
            <Panel
              title={tt("deleteTitle")}
              id="deletion"
              description={tt("deleteDescription")}
              actions={
                <DeleteOnRequest
                  userId={a.id}
                  who={a.name}
                  email={a.email}
                  consequences={deletionConsequences(words, o, locale)}
                />
              }
            >
              <p className="text-sm text-muted">{tt("deleteText")}</p>
            </Panel>
          )
        )}
      </div>
    </Main>
  );
}

import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { requireStaffPage } from "@/lib/auth/current";
import { canChangeStaffData } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { deliveriesForStaff, subscriptionForStaff } from "@/lib/webhooks/api";
import { Time } from "../../../_components/time";
import { Badge } from "../../../_components/ui/badge";
import { Panel } from "../../../_components/ui/card";
import { EmptyState } from "../../../_components/ui/empty-state";
import { Main } from "../../../_components/ui/main";
import { PageHeader } from "../../../_components/ui/page-header";
import { ReplayButton, SubscriptionActions } from "./subscription-actions";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("staffWebhooks.subscription");
  return { title: t("title") };
}

export default async function WebhookSubscriptionPage({ params }: { params: Promise<{ subscriptionId: string }> }) {
  const { subscriptionId } = await params;
  const me = await requireStaffPage(`/staff/webhooks/${encodeURIComponent(subscriptionId)}`);
  const canChange = canChangeStaffData(me.role);
  const [s, deliveries] = await Promise.all([
    subscriptionForStaff(subscriptionId),
    deliveriesForStaff(subscriptionId),
  ]).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  });
  const enabled = s.state === "enabled";
  const [t, tt] = await Promise.all([getTranslations("staffWebhooks"), getTranslations("staffWebhooks.subscription")]);
  return (
    <Main width="console">
      <PageHeader
        back={{ href: "/staff/webhooks", label: t("title") }}
        title={s.description || tt("title")}
        badge={
          <Badge tone={enabled ? (s.failingSince ? "warn" : "ok") : "danger"} data-testid="webhook-state">
            {t(enabled ? (s.failingSince ? "states.failing" : "states.enabled") : "states.disabled")}
          </Badge>
        }
        description={<span className="break-all">{s.url}</span>}
      />
      <div className="space-y-5">
        {!enabled && (
          <p className="text-sm" data-testid="webhook-disabled">
            {tt.rich(s.disabledReason === "failing" ? "disabledFailing" : "disabledByStaff", {
              time: () => <Time value={s.disabledAt!} />,
            })}
          </p>
        )}
        <Panel title={tt("panel")}>
          <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
            <dt className="text-muted">{t("columns.events")}</dt>
            <dd>{s.events.join(", ")}</dd>
            <dt className="text-muted">{t("columns.study")}</dt>
            <dd>{s.studyId ? tt("studyPseudonymous", { study: s.studyId }) : t("everyEvent")}</dd>
            <dt className="text-muted">{tt("made")}</dt>
            <dd>
              <Time value={s.createdAt} />
            </dd>
            {s.previousSecretExpiresAt && (
              <>
                <dt className="text-muted">{tt("previousSecret")}</dt>
                <dd>{tt.rich("previousUntil", { time: () => <Time value={s.previousSecretExpiresAt!} /> })}</dd>
              </>
            )}
          </dl>
          {canChange && (
            <div className="mt-4">
              <SubscriptionActions id={s.id} enabled={enabled} />
            </div>
          )}
        </Panel>
        <Panel title={tt("log")} description={tt("logText")}>
          {deliveries.length === 0 ? (
            <EmptyState title={tt("none")} level={3}>
              {tt("noneText")}
            </EmptyState>
          ) : (
            <ul className="divide-y divide-line rounded-lg border border-line" data-testid="webhook-deliveries">
              {deliveries.map((d) => (
                <li key={d.id} className="space-y-1 px-3 py-3" data-delivery={d.id}>
                  <div className="flex flex-wrap items-center justify-between gap-2">
                    <p className="text-sm font-medium">
                      <code>{d.eventType}</code>{" "}
                      <Badge tone={d.state === "delivered" ? "ok" : d.attempts > 0 ? "warn" : "neutral"}>
                        {tt(d.state === "delivered" ? "delivered" : d.attempts > 0 ? "retrying" : "queued")}
                      </Badge>
                    </p>
                    {canChange && enabled && <ReplayButton subscriptionId={s.id} deliveryId={d.id} />}
                  </div>
                  <p className="text-xs text-muted">
                    <code>{d.eventId}</code> · {tt.rich("queuedAt", { time: () => <Time value={d.createdAt} /> })}
                    {d.nextAttemptAt && (
                      <> · {tt.rich("nextAttempt", { time: () => <Time value={d.nextAttemptAt!} /> })}</>
                    )}
                    {d.replayOf && ` · ${tt("replay")}`}
                  </p>
                  {d.log.length > 0 && (
                    <ol className="space-y-0.5 text-xs">
                      {d.log.map((a, i) => (
                        <li key={i} className="break-words">
                          <Time value={a.startedAt} /> · {a.status ?? tt("noAnswer")} · {tt("ms", { ms: a.durationMs })}
                          {a.error && <span className="text-danger-text"> · {a.error}</span>}
                          {a.responseSnippet && (
                            <code className="block max-h-16 overflow-hidden text-muted break-all">
                              {a.responseSnippet.slice(0, 200)}
                            </code>
                          )}
                        </li>
                      ))}
                    </ol>
                  )}
                </li>
              ))}
            </ul>
          )}
        </Panel>
      </div>
    </Main>
  );
}

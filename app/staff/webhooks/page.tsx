import type { Metadata } from "next";
import Link from "next/link";
import { Webhook } from "lucide-react";
import { getTranslations } from "next-intl/server";
import { requireStaffPage } from "@/lib/auth/current";
import { canChangeStaffData } from "@/lib/auth/roles";
import { studyChoices, subscriptionsForStaff } from "@/lib/webhooks/api";
import { WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/schemas";
import { Badge } from "../../_components/ui/badge";
import { DataTable } from "../../_components/ui/data-table";
import { EmptyState } from "../../_components/ui/empty-state";
import { Main } from "../../_components/ui/main";
import { PageHeader } from "../../_components/ui/page-header";
import { Truncate } from "../../_components/ui/truncate";
import { NewSubscription } from "./new-subscription";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("staffWebhooks");
  return { title: t("title") };
}

export default async function StaffWebhooksPage() {
  const me = await requireStaffPage("/staff/webhooks");
  const canChange = canChangeStaffData(me.role); // support reads only
  const [subscriptions, studies] = await Promise.all([subscriptionsForStaff(), studyChoices()]);
  const t = await getTranslations("staffWebhooks");
  return (
    <Main width="console">
      <PageHeader title={t("title")} description={t("description")} />
      <div className="space-y-5">
        {canChange && <NewSubscription studies={studies} eventTypes={WEBHOOK_EVENT_TYPES} />}
        {subscriptions.length === 0 ? (
          <EmptyState title={t("none")} icon={<Webhook aria-hidden className="size-6" />}>
            {t("noneText")}
          </EmptyState>
        ) : (
          <DataTable
            data-testid="webhook-subscriptions"
            rows={subscriptions}
            rowKey={(s) => s.id}
            rowProps={(s) => ({ "data-subscription": s.id })}
            columns={[
              {
                key: "url",
                header: t("columns.endpoint"),
                primary: true,
                cell: (s) => (
                  <div className="min-w-0">
                    <Link href={`/staff/webhooks/${s.id}`} className="font-medium text-accent-text underline">
                      <Truncate value={s.url} />
                    </Link>
                    {s.description && <span className="block text-xs text-muted">{s.description}</span>}
                  </div>
                ),
              },
              { key: "events", header: t("columns.events"), cell: (s) => s.events.join(", ") },
              { key: "study", header: t("columns.study"), nowrap: true, cell: (s) => s.studyId ?? t("everyEvent") },
              {
                key: "state",
                header: t("columns.state"),
                nowrap: true,
                cell: (s) =>
                  s.state === "enabled" ? (
                    <Badge tone={s.failingSince ? "warn" : "ok"}>
                      {t(s.failingSince ? "states.failing" : "states.enabled")}
                    </Badge>
                  ) : (
                    <Badge tone="danger">{t("states.disabled")}</Badge>
                  ),
              },
            ]}
          />
        )}
      </div>
    </Main>
  );
}

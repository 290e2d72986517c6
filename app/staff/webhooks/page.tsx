import type { Metadata } from "next";
import Link from "next/link";
import { Webhook } from "lucide-react";
import { requireStaffPage } from "@/lib/auth/current";
import { canChangeStaffData } from "@/lib/auth/roles";
import { studyChoices, subscriptionsForStaff } from "@/lib/webhooks/api";
import { Badge } from "../../_components/ui/badge";
import { DataTable } from "../../_components/ui/data-table";
import { EmptyState } from "../../_components/ui/empty-state";
import { Main } from "../../_components/ui/main";
import { PageHeader } from "../../_components/ui/page-header";
import { Truncate } from "../../_components/ui/truncate";
import { NewSubscription } from "./new-subscription";

export const metadata: Metadata = { title: "Webhooks" };

export default async function StaffWebhooksPage() {
  const me = await requireStaffPage("/staff/webhooks");
  const canChange = canChangeStaffData(me.role); // support reads only
  const [subscriptions, studies] = await Promise.all([subscriptionsForStaff(), studyChoices()]);
  return (
    <Main width="console">
      <PageHeader
        title="Webhooks"
        description="Signed events pushed to other systems (Standard Webhooks). A subscription that fails for a day is disabled."
      />
      <div className="space-y-5">
        {canChange && <NewSubscription studies={studies} />}
        {subscriptions.length === 0 ? (
          <EmptyState title="No subscriptions" icon={<Webhook aria-hidden className="size-6" />}>
            A subscription sends the events it names to an endpoint, signed with its own secret.
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
                header: "Endpoint",
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
              { key: "events", header: "Events", cell: (s) => s.events.join(", ") },
              { key: "study", header: "Study", nowrap: true, cell: (s) => s.studyId ?? "every event" },
              {
                key: "state",
                header: "State",
                nowrap: true,
                cell: (s) =>
                  s.state === "enabled" ? (
                    <Badge tone={s.failingSince ? "warn" : "ok"}>{s.failingSince ? "failing" : "enabled"}</Badge>
                  ) : (
                    <Badge tone="danger">disabled</Badge>
                  ),
              },
            ]}
          />
        )}
      </div>
    </Main>
  );
}

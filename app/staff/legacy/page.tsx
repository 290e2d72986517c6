import type { Metadata } from "next";
import { requireStaffPage } from "@/lib/auth/current";
import { canChangeStaffData } from "@/lib/auth/roles";
import { legacyForStaff } from "@/lib/legacy/api";
import { ago } from "../../_components/format";
import { Time } from "../../_components/time";
import { Badge } from "../../_components/ui/badge";
import { Panel } from "../../_components/ui/card";
import { DataTable } from "../../_components/ui/data-table";
import { Main } from "../../_components/ui/main";
import { Notice } from "../../_components/ui/notice";
import { PageHeader } from "../../_components/ui/page-header";
import { Truncate } from "../../_components/ui/truncate";
import { BulkCredentialsForm, NodeActions } from "./legacy-credential-forms";
import { ImportForm, RegisterForm, SettingsForm } from "./legacy-forms";

export const metadata: Metadata = { title: "Legacy nodes" };

export default async function LegacyPage() {
  const me = await requireStaffPage("/staff/legacy");
  const canChange = canChangeStaffData(me.role); // support reads only
  const { settings, nodes } = await legacyForStaff();
  return (
    <Main width="console">
      <PageHeader
        title="Legacy nodes"
        description="Nodes that identify themselves by a hardware id and do not sign their data (docs/legacy-ingest.md). With a password issued here (typed into the node as its user and password) their readings are stored as “node secret”, without one as unverified. Once a node is reflashed, claimed and linked, its hardware id is refused for good."
      />
      <div className="space-y-8">
        {canChange ? (
          <div className="grid gap-5 xl:grid-cols-2">
            <Panel title="Acceptance">
              <SettingsForm acceptAny={settings.acceptAny} cutoffAt={settings.cutoffAt?.toISOString() ?? null} />
            </Panel>
            <Panel title="Import from CSV">
              <ImportForm />
            </Panel>
            <Panel title="Register a node" className="xl:col-span-2">
              <RegisterForm />
            </Panel>
            <Panel title="Issue passwords in bulk" className="xl:col-span-2">
              <BulkCredentialsForm
                withoutCredential={nodes
                  .filter((n) => !n.upgradedAt && n.credential === "none")
                  .map((n) => n.hardwareId)}
              />
            </Panel>
          </div>
        ) : (
          <Notice data-testid="legacy-acceptance">
            {settings.acceptAny ? "Any hardware id is accepted (spoofable)." : "Only registered nodes are accepted."}
            {settings.cutoffAt ? ` Nothing after ${settings.cutoffAt.toISOString()} is accepted.` : ""}
          </Notice>
        )}

        <section aria-labelledby="nodes-title" className="space-y-3">
          <h2 id="nodes-title" className="text-lg font-semibold">
            Nodes
          </h2>
          {nodes.length === 0 ? (
            <p className="text-sm text-muted">
              No legacy nodes yet. Register them above, or switch on “accept any hardware id”.
            </p>
          ) : (
            <DataTable
              data-testid="legacy-nodes"
              rows={nodes}
              rowKey={(n) => n.id}
              rowProps={(n) => ({ "data-hardware-id": n.hardwareId })}
              columns={[
                {
                  key: "node",
                  header: "Node",
                  primary: true,
                  cell: (n) => (
                    <div className="min-w-0">
                      <span className="block">{n.name}</span>
                      <Truncate value={n.hardwareId} mono className="text-xs font-normal text-muted" />
                      <span className="block text-xs font-normal text-muted">
                        {n.model}
                        {n.softwareVersion && (
                          <>
                            {" · "}
                            {/* A version like NRZ-2020-129 wraps between the parts, never at its hyphens. */}
                            <span className="whitespace-nowrap">{n.softwareVersion}</span>
                          </>
                        )}
                        {n.autoRegistered ? " · registered by its first data" : ""}
                      </span>
                    </div>
                  ),
                },
                { key: "owner", header: "Owner", cell: (n) => <Truncate value={n.ownerEmail} className="max-w-56" /> },
                {
                  key: "state",
                  header: "State",
                  cell: (n) => (
                    <span data-testid="legacy-state">
                      {n.upgradedAt ? (
                        <>
                          <Badge tone="ok">upgraded</Badge>{" "}
                          <span className="text-xs">
                            to <span className="font-mono">{n.upgradedDeviceId}</span>, <Time value={n.upgradedAt} />
                          </span>
                        </>
                      ) : n.disabledAt ? (
                        <Badge tone="danger">refused</Badge>
                      ) : (
                        <Badge>accepted</Badge>
                      )}
                      {!n.upgradedAt && (
                        <span className="mt-1 block" data-testid="legacy-credential">
                          {n.credential === "active" ? (
                            <Badge tone="ok">password</Badge>
                          ) : n.credential === "revoked" ? (
                            <Badge tone="danger">password withdrawn</Badge>
                          ) : (
                            <Badge tone="warn">no password</Badge>
                          )}
                        </span>
                      )}
                      {n.boardReplacedAt && (
                        <span className="mt-1 block text-xs" data-testid="legacy-new-board">
                          new board since <Time value={n.boardReplacedAt} />
                        </span>
                      )}
                    </span>
                  ),
                },
                { key: "seen", header: "Last data", nowrap: true, cell: (n) => ago(n.lastSeenAt) },
                ...(canChange
                  ? [
                      {
                        key: "actions",
                        header: "Actions",
                        cell: (n: (typeof nodes)[number]) =>
                          n.upgradedAt ? null : (
                            <NodeActions
                              id={n.id}
                              hardwareId={n.hardwareId}
                              disabled={!!n.disabledAt}
                              credential={n.credential}
                            />
                          ),
                      },
                    ]
                  : []),
              ]}
            />
          )}
        </section>
      </div>
    </Main>
  );
}

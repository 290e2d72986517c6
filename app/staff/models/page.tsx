import type { Metadata } from "next";
import { requireStaffPage } from "@/lib/auth/current";
import { canChangeStaffData } from "@/lib/auth/roles";
import { modelsForStaff } from "@/lib/models/api";
import Link from "next/link";
import { Time } from "../../_components/time";
import { Badge } from "../../_components/ui/badge";
import { Panel } from "../../_components/ui/card";
import { DataTable } from "../../_components/ui/data-table";
import { Main } from "../../_components/ui/main";
import { PageHeader } from "../../_components/ui/page-header";
import { Truncate } from "../../_components/ui/truncate";
import { DeleteModelButton, ModelForm, PolicyForm } from "./model-forms";

export const metadata: Metadata = { title: "Device models" };

export default async function ModelsPage() {
  const me = await requireStaffPage("/staff/models");
  const canChange = canChangeStaffData(me.role); // support reads only
  const { policy, models, unlisted } = await modelsForStaff();
  return (
    <Main width="console">
      <PageHeader
        title="Device models"
        description="The models devices report, what firmware each may run, and whether unknown models may start a session."
      />
      <div className="space-y-8">
        <Panel title="Policy">
          {canChange ? (
            <PolicyForm policy={policy} registered={models.length} />
          ) : (
            <p className="text-sm" data-testid="model-policy">
              {policy === "registry" ? "Registry: only registered models may start a session." : "Open: any model."}
            </p>
          )}
        </Panel>

        <section aria-labelledby="registry-title" className="space-y-3">
          <h2 id="registry-title" className="text-lg font-semibold">
            Registry
          </h2>
          {models.length === 0 ? (
            <p className="text-sm text-muted">
              No models registered yet. Under the registry policy no device could start a session.
            </p>
          ) : (
            <DataTable
              data-testid="models"
              rows={models}
              rowKey={(m) => m.model}
              rowProps={(m) => ({ "data-model": m.model })}
              actionsHeader="Actions"
              actions={canChange ? (m) => <DeleteModelButton model={m.model} /> : undefined}
              columns={[
                {
                  key: "model",
                  header: "Model",
                  primary: true,
                  cell: (m) => (
                    <div className="min-w-0">
                      <span className="block">{m.displayName}</span>
                      <Truncate value={m.model} mono className="text-xs font-normal text-muted" />
                      {m.hasConfirmButton && (
                        <span className="block text-xs font-normal text-muted">has a confirm button</span>
                      )}
                    </div>
                  ),
                },
                {
                  key: "firmware",
                  header: "Firmware allowed",
                  cell: (m) => (
                    <>
                      {m.minFirmware ? `≥ ${m.minFirmware}` : null}
                      {m.minFirmware && m.firmwareList?.length ? " or " : null}
                      {m.firmwareList?.length ? m.firmwareList.join(", ") : null}
                      {!m.minFirmware && !m.firmwareList?.length && <span className="text-muted">any</span>}
                    </>
                  ),
                },
                {
                  key: "properties",
                  header: "Properties",
                  cell: (m) =>
                    m.properties.length === 0 ? (
                      <span className="text-muted">none listed</span>
                    ) : (
                      m.properties.map((p) => `${p.property}${p.unit ? ` (${p.unit})` : ""}`).join(", ")
                    ),
                },
                { key: "interval", header: "Interval", nowrap: true, cell: (m) => `${m.defaultIntervalSeconds} s` },
                {
                  key: "legacy",
                  header: "Legacy data",
                  nowrap: true,
                  cell: (m) => (m.legacyRefused ? <Badge tone="danger">refused</Badge> : "accepted"),
                },
              ]}
            />
          )}
        </section>

        {canChange && (
          <Panel title="Add or replace a model">
            <ModelForm />
          </Panel>
        )}

        <section aria-labelledby="unlisted-title" className="space-y-3">
          <div>
            <h2 id="unlisted-title" className="text-lg font-semibold">
              Unlisted properties
            </h2>
            <p className="text-sm text-muted">
              Readings whose property a registered model does not list. They are stored; this list shows a firmware
              sending something new.
            </p>
          </div>
          {unlisted.length === 0 ? (
            <p className="text-sm text-muted">None seen.</p>
          ) : (
            <DataTable
              data-testid="unlisted"
              rows={unlisted}
              rowKey={(u) => `${u.model}/${u.property}`}
              columns={[
                { key: "model", header: "Model", primary: true, cell: (u) => <Truncate value={u.model} mono /> },
                { key: "property", header: "Property", cell: (u) => <Truncate value={u.property} mono /> },
                { key: "first", header: "First seen", nowrap: true, cell: (u) => <Time value={u.firstSeenAt} /> },
                { key: "last", header: "Last seen", nowrap: true, cell: (u) => <Time value={u.lastSeenAt} /> },
                {
                  key: "device",
                  header: "Last device",
                  cell: (u) => (
                    <Link
                      href={`/staff/devices/${u.lastDeviceId}`}
                      className="block max-w-40 truncate font-mono text-xs"
                    >
                      {u.lastDeviceId}
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

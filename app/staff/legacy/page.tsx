import type { Metadata } from "next";
import { requireStaffPage } from "@/lib/auth/current";
import { canChangeStaffData } from "@/lib/auth/roles";
import { legacyForStaff } from "@/lib/legacy/api";
import { ago } from "../../_components/format";
import { Time } from "../../_components/time";
import { ImportForm, NodeActions, RegisterForm, SettingsForm } from "./legacy-forms";

export const metadata: Metadata = { title: "Legacy nodes" };

export default async function LegacyPage() {
  const me = await requireStaffPage("/staff/legacy");
  const canChange = canChangeStaffData(me.role); // support reads only
  const { settings, nodes } = await legacyForStaff();
  return (
    <main>
      <h1>Legacy nodes</h1>
      <p className="muted">
        Nodes that identify themselves only by a hardware id and send unsigned data (docs/legacy-ingest.md). Their
        readings are stored as unverified. Once a node is reflashed, claimed and linked, its hardware id is refused for
        good.
      </p>
      {canChange ? (
        <>
          <div className="card">
            <h2 style={{ marginTop: 0 }}>Acceptance</h2>
            <SettingsForm acceptAny={settings.acceptAny} cutoffAt={settings.cutoffAt?.toISOString() ?? null} />
          </div>
          <div className="card">
            <h2 style={{ marginTop: 0 }}>Register a node</h2>
            <RegisterForm />
          </div>
          <div className="card">
            <h2 style={{ marginTop: 0 }}>Import from CSV</h2>
            <ImportForm />
          </div>
        </>
      ) : (
        <p data-testid="legacy-acceptance">
          {settings.acceptAny ? "Any hardware id is accepted (spoofable)." : "Only registered nodes are accepted."}
          {settings.cutoffAt ? ` Nothing after ${settings.cutoffAt.toISOString()} is accepted.` : ""}
        </p>
      )}

      <h2>Nodes</h2>
      {nodes.length === 0 ? (
        <p className="muted">No legacy nodes yet. Register them above, or switch on “accept any hardware id”.</p>
      ) : (
        <div className="table-wrap">
          <table data-testid="legacy-nodes">
            <thead>
              <tr>
                <th>Node</th>
                <th>Owner</th>
                <th>State</th>
                <th>Last data</th>
                {canChange && <th>Actions</th>}
              </tr>
            </thead>
            <tbody>
              {nodes.map((n) => (
                <tr key={n.id} data-hardware-id={n.hardwareId}>
                  <td>
                    <strong>{n.name}</strong>
                    <div className="small mono">{n.hardwareId}</div>
                    <div className="small muted">
                      {n.model}
                      {n.softwareVersion ? ` · ${n.softwareVersion}` : ""}
                      {n.autoRegistered ? " · registered by its first data" : ""}
                    </div>
                  </td>
                  <td>{n.ownerEmail}</td>
                  <td data-testid="legacy-state">
                    {n.upgradedAt ? (
                      <>
                        <span className="badge">upgraded</span>{" "}
                        <span className="small">
                          to <span className="mono">{n.upgradedDeviceId}</span>, <Time value={n.upgradedAt} />
                        </span>
                      </>
                    ) : n.disabledAt ? (
                      <span className="badge disabled">refused</span>
                    ) : (
                      <span className="badge">accepted</span>
                    )}
                  </td>
                  <td>{ago(n.lastSeenAt)}</td>
                  {canChange && (
                    <td>
                      {n.upgradedAt ? null : (
                        <NodeActions id={n.id} hardwareId={n.hardwareId} disabled={!!n.disabledAt} />
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}

import type { Metadata } from "next";
import { requireStaffPage } from "@/lib/auth/current";
import { canChangeStaffData } from "@/lib/auth/roles";
import { modelsForStaff } from "@/lib/models/api";
import { Time } from "../../_components/time";
import { DeleteModelButton, ModelForm, PolicyForm } from "./model-forms";

export const metadata: Metadata = { title: "Device models" };

export default async function ModelsPage() {
  const me = await requireStaffPage("/staff/models");
  const canChange = canChangeStaffData(me.role); // support reads only
  const { policy, models, unlisted } = await modelsForStaff();
  return (
    <main>
      <h1>Device models</h1>
      <div className="card">
        <h2 style={{ marginTop: 0 }}>Policy</h2>
        {canChange ? (
          <PolicyForm policy={policy} />
        ) : (
          <p data-testid="model-policy">
            {policy === "registry" ? "Registry: only registered models may start a session." : "Open: any model."}
          </p>
        )}
      </div>

      <h2>Registry</h2>
      {models.length === 0 ? (
        <p className="muted">No models registered yet. Under the registry policy no device could start a session.</p>
      ) : (
        <div className="table-wrap">
          <table data-testid="models">
            <thead>
              <tr>
                <th>Model</th>
                <th>Firmware allowed</th>
                <th>Properties</th>
                <th>Interval</th>
                <th>Legacy data</th>
                {canChange && <th>Actions</th>}
              </tr>
            </thead>
            <tbody>
              {models.map((m) => (
                <tr key={m.model} data-model={m.model}>
                  <td>
                    <strong>{m.displayName}</strong>
                    <div className="small mono">{m.model}</div>
                    {m.hasConfirmButton && <div className="small muted">has a confirm button</div>}
                  </td>
                  <td>
                    {m.minFirmware ? `≥ ${m.minFirmware}` : null}
                    {m.minFirmware && m.firmwareList?.length ? " or " : null}
                    {m.firmwareList?.length ? m.firmwareList.join(", ") : null}
                    {!m.minFirmware && !m.firmwareList?.length && <span className="muted">any</span>}
                  </td>
                  <td>
                    {m.properties.length === 0 ? (
                      <span className="muted">none listed</span>
                    ) : (
                      m.properties.map((p) => `${p.property}${p.unit ? ` (${p.unit})` : ""}`).join(", ")
                    )}
                  </td>
                  <td>{m.defaultIntervalSeconds} s</td>
                  <td>{m.legacyRefused ? <span className="badge disabled">refused</span> : "accepted"}</td>
                  {canChange && (
                    <td>
                      <DeleteModelButton model={m.model} />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {canChange && (
        <div className="card">
          <h2 style={{ marginTop: 0 }}>Add or replace a model</h2>
          <ModelForm />
        </div>
      )}

      <h2>Unlisted properties</h2>
      <p className="small muted">
        Readings whose property a registered model does not list. They are stored; this list shows a firmware sending
        something new.
      </p>
      {unlisted.length === 0 ? (
        <p className="muted">None seen.</p>
      ) : (
        <div className="table-wrap">
          <table data-testid="unlisted">
            <thead>
              <tr>
                <th>Model</th>
                <th>Property</th>
                <th>First seen</th>
                <th>Last seen</th>
                <th>Last device</th>
              </tr>
            </thead>
            <tbody>
              {unlisted.map((u) => (
                <tr key={`${u.model}/${u.property}`}>
                  <td className="mono">{u.model}</td>
                  <td className="mono">{u.property}</td>
                  <td>
                    <Time value={u.firstSeenAt} />
                  </td>
                  <td>
                    <Time value={u.lastSeenAt} />
                  </td>
                  <td className="mono small">{u.lastDeviceId}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}

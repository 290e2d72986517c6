"use client";

import { useState } from "react";
import { api } from "../../_components/api";
import { useStaffAction } from "../accounts/use-action";

function Message({ message }: { message: { kind: "ok" | "error"; text: string } | null }) {
  return message ? (
    <p className={`notice ${message.kind}`} role="status" data-testid="legacy-message" style={{ flexBasis: "100%" }}>
      {message.text}
    </p>
  ) : null;
}

export function SettingsForm({ acceptAny, cutoffAt }: { acceptAny: boolean; cutoffAt: string | null }) {
  const { busy, message, run } = useStaffAction();
  function submit(form: FormData) {
    const cutoff = String(form.get("cutoff") ?? "");
    void run("settings", async () => {
      await api("/api/v1/staff/legacy/settings", {
        method: "PUT",
        body: { acceptAny: form.get("acceptAny") === "on", cutoffAt: cutoff ? `${cutoff}T00:00:00Z` : null },
      });
      return "Saved.";
    });
  }
  return (
    <form action={submit}>
      <div className="row">
        <label>
          <input type="checkbox" name="acceptAny" defaultChecked={acceptAny} /> Accept any hardware id
        </label>
      </div>
      <p className="small notice error">
        Spoofable: with this on, anyone can create a node by sending data for a made-up hardware id. New nodes are
        registered to you (at most 10 per address an hour).
      </p>
      <div className="row">
        <div>
          <label htmlFor="legacy-cutoff">Refuse all legacy data from (UTC day)</label>
          <input id="legacy-cutoff" name="cutoff" type="date" defaultValue={cutoffAt?.slice(0, 10) ?? ""} />
        </div>
        <button type="submit" disabled={!!busy}>
          {busy ? "Saving…" : "Save"}
        </button>
        <Message message={message} />
      </div>
    </form>
  );
}

export function RegisterForm() {
  const { busy, message, run } = useStaffAction();
  function submit(form: FormData) {
    const text = (k: string) => String(form.get(k) ?? "").trim();
    void run("register", async () => {
      await api("/api/v1/staff/legacy/nodes", {
        method: "POST",
        body: {
          hardwareId: text("hardwareId"),
          ownerEmail: text("ownerEmail"),
          name: text("name"),
          ...(text("model") ? { model: text("model") } : {}),
        },
      });
      return `Registered ${text("hardwareId")}.`;
    });
  }
  return (
    <form action={submit} className="row">
      <div>
        <label htmlFor="legacy-hw">Hardware id</label>
        <input id="legacy-hw" name="hardwareId" required placeholder="esp8266-1234567" maxLength={64} />
      </div>
      <div>
        <label htmlFor="legacy-owner">Owner&apos;s email</label>
        <input id="legacy-owner" name="ownerEmail" type="email" required maxLength={254} />
      </div>
      <div>
        <label htmlFor="legacy-name">Name</label>
        <input id="legacy-name" name="name" required maxLength={60} />
      </div>
      <div>
        <label htmlFor="legacy-model">Model (optional)</label>
        <input id="legacy-model" name="model" placeholder="sensor-community" maxLength={64} />
      </div>
      <button type="submit" disabled={!!busy}>
        {busy ? "Registering…" : "Register"}
      </button>
      <Message message={message} />
    </form>
  );
}

type Line = { line: number; hardwareId: string; outcome: "registered" | "rejected"; reason?: string };

export function ImportForm() {
  const { busy, message, run } = useStaffAction();
  const [report, setReport] = useState<Line[] | null>(null);
  function submit(form: FormData) {
    const file = form.get("file");
    const pasted = String(form.get("csv") ?? "");
    void run("import", async () => {
      const text = file instanceof File && file.size > 0 ? await file.text() : pasted;
      const res = await fetch("/api/v1/staff/legacy/import", {
        method: "POST",
        headers: { "content-type": "text/csv" },
        body: text,
        credentials: "same-origin",
      });
      const data = await res.json();
      if (!res.ok) throw new Error(data.detail ?? `The import failed (HTTP ${res.status}).`);
      setReport(data.report);
      const ok = (data.report as Line[]).filter((l) => l.outcome === "registered").length;
      return `${ok} registered, ${data.report.length - ok} rejected.`;
    });
  }
  return (
    <form action={submit}>
      <p className="small muted">One node a line: hardware id, owner email, name. A header line is optional.</p>
      <div className="row">
        <div>
          <label htmlFor="legacy-file">CSV file</label>
          <input id="legacy-file" name="file" type="file" accept=".csv,text/csv,text/plain" />
        </div>
        <div>
          <label htmlFor="legacy-csv">Or paste the lines</label>
          <textarea id="legacy-csv" name="csv" rows={4} maxLength={262144} />
        </div>
        <button type="submit" disabled={!!busy}>
          {busy ? "Importing…" : "Import"}
        </button>
        <Message message={message} />
      </div>
      {report && report.length > 0 && (
        <div className="table-wrap">
          <table data-testid="import-report">
            <thead>
              <tr>
                <th>Line</th>
                <th>Hardware id</th>
                <th>Outcome</th>
              </tr>
            </thead>
            <tbody>
              {report.map((l) => (
                <tr key={l.line}>
                  <td>{l.line}</td>
                  <td className="mono">{l.hardwareId}</td>
                  <td>{l.outcome === "registered" ? "registered" : `rejected: ${l.reason}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </form>
  );
}

export function NodeActions({ id, hardwareId, disabled }: { id: string; hardwareId: string; disabled: boolean }) {
  const { busy, message, run } = useStaffAction();
  const [deviceId, setDeviceId] = useState("");
  return (
    <div>
      <button
        type="button"
        className="secondary"
        disabled={!!busy}
        aria-label={`${disabled ? "Accept" : "Refuse"} data from ${hardwareId}`}
        onClick={() =>
          run("toggle", async () => {
            await api(`/api/v1/staff/legacy/nodes/${id}`, { method: "PATCH", body: { disabled: !disabled } });
          })
        }
      >
        {disabled ? "Accept data" : "Refuse data"}
      </button>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (!window.confirm(`Upgrade ${hardwareId} to ${deviceId}? Its unsigned data is refused from then on.`))
            return;
          void run("upgrade", async () => {
            const r = await api<{ movedReadings: number }>(`/api/v1/staff/legacy/nodes/${id}/upgrade`, {
              method: "POST",
              body: { deviceId: deviceId.trim() },
            });
            return `Upgraded: ${r.movedReadings} readings moved.`;
          });
        }}
      >
        <label className="small" htmlFor={`upgrade-${id}`}>
          Claimed device id
        </label>
        <input
          id={`upgrade-${id}`}
          value={deviceId}
          onChange={(e) => setDeviceId(e.target.value)}
          placeholder="dev_…"
          required
          maxLength={20}
        />
        <button type="submit" className="secondary" disabled={!!busy}>
          Upgrade
        </button>
      </form>
      <Message message={message} />
    </div>
  );
}

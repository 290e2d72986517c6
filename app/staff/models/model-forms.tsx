"use client";

import { api } from "../../_components/api";
import { useStaffAction } from "../accounts/use-action";

function Message({ message }: { message: { kind: "ok" | "error"; text: string } | null }) {
  return message ? (
    <p className={`notice ${message.kind}`} role="status" data-testid="models-message" style={{ flexBasis: "100%" }}>
      {message.text}
    </p>
  ) : null;
}

export function PolicyForm({ policy }: { policy: "open" | "registry" }) {
  const { busy, message, run } = useStaffAction();
  const next = policy === "open" ? "registry" : "open";
  return (
    <div className="row">
      <p style={{ flexBasis: "100%" }} data-testid="model-policy">
        {policy === "open"
          ? "Open: any model may start a provisioning session."
          : "Registry: a session for an unregistered model, or a firmware the model does not allow, is refused (unknown_model, firmware_not_allowed)."}
      </p>
      <button
        type="button"
        disabled={!!busy}
        onClick={() =>
          run("policy", async () => {
            await api("/api/v1/staff/model-policy", { method: "PUT", body: { policy: next } });
            return `Policy set to ${next}.`;
          })
        }
      >
        {next === "registry" ? "Require registered models" : "Allow any model"}
      </button>
      <Message message={message} />
    </div>
  );
}

/** "temperature Cel, humidity %" into [{property, unit}]. */
function parseProperties(text: string) {
  return text
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const [property, unit] = p.split(/\s+/, 2);
      return { property, unit: unit ?? null };
    });
}

export function ModelForm() {
  const { busy, message, run } = useStaffAction();
  function submit(form: FormData) {
    const text = (k: string) => String(form.get(k) ?? "").trim();
    const list = text("firmwareList")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    void run("save", async () => {
      await api("/api/v1/staff/models", {
        method: "POST",
        body: {
          model: text("model"),
          displayName: text("displayName"),
          minFirmware: text("minFirmware") || null,
          firmwareList: list.length ? list : null,
          properties: parseProperties(text("properties")),
          defaultIntervalSeconds: Number(text("interval") || "60"),
          hasConfirmButton: form.get("hasConfirmButton") === "on",
          legacyRefused: form.get("legacyRefused") === "on",
        },
      });
      return `Saved ${text("model")}.`;
    });
  }
  return (
    <form action={submit}>
      <div className="row">
        <div>
          <label htmlFor="model-id">Model (as devices send it)</label>
          <input id="model-id" name="model" required pattern="[a-z0-9][a-z0-9\-]{0,63}" maxLength={64} />
        </div>
        <div>
          <label htmlFor="model-name">Display name</label>
          <input id="model-name" name="displayName" required maxLength={80} />
        </div>
      </div>
      <div className="row">
        <div>
          <label htmlFor="model-min">Minimum firmware (e.g. 1.4.0)</label>
          <input id="model-min" name="minFirmware" maxLength={40} />
        </div>
        <div>
          <label htmlFor="model-list">Or allowed versions (comma-separated)</label>
          <input id="model-list" name="firmwareList" maxLength={500} />
        </div>
      </div>
      <div className="row">
        <div>
          <label htmlFor="model-properties">Properties and units (e.g. temperature Cel, humidity %)</label>
          <input id="model-properties" name="properties" maxLength={2000} />
        </div>
        <div>
          <label htmlFor="model-interval">Default interval (seconds)</label>
          <input id="model-interval" name="interval" type="number" min={10} max={86400} defaultValue={60} />
        </div>
      </div>
      <div className="row">
        <label>
          <input type="checkbox" name="hasConfirmButton" /> Has a confirm button
        </label>
        <label>
          <input type="checkbox" name="legacyRefused" /> Refuse legacy (unsigned) data from this model
        </label>
      </div>
      <div className="row">
        <button type="submit" disabled={!!busy}>
          {busy ? "Saving…" : "Save model"}
        </button>
        <Message message={message} />
      </div>
    </form>
  );
}

export function DeleteModelButton({ model }: { model: string }) {
  const { busy, message, run } = useStaffAction();
  return (
    <>
      <button
        type="button"
        className="secondary"
        disabled={!!busy}
        aria-label={`Delete ${model}`}
        onClick={() => {
          if (!window.confirm(`Delete ${model}? Under the registry policy its devices can no longer start sessions.`))
            return;
          void run("delete", async () => {
            await api(`/api/v1/staff/models/${encodeURIComponent(model)}`, { method: "DELETE" });
          });
        }}
      >
        Delete
      </button>
      <Message message={message} />
    </>
  );
}

"use client";

import { api } from "../../_components/api";
import { useAction } from "../../_components/use-action";
import { Button } from "../../_components/ui/button";
import { ConfirmDialog } from "../../_components/ui/confirm-dialog";
import { CheckboxField, Field, Input } from "../../_components/ui/field";

function Message({ message }: { message: { kind: "ok" | "error"; text: string } | null }) {
  return (
    <div role="status" className="basis-full">
      {message && (
        <p
          className={message.kind === "error" ? "text-sm text-danger-text" : "text-sm text-ok-text"}
          data-testid="models-message"
        >
          {message.text}
        </p>
      )}
    </div>
  );
}

/**
 * Switching between open and registry. Requiring registered models is asked in a dialog that
 * says what it stops; with no model registered it would refuse every device, so it says that.
 */
export function PolicyForm({ policy, registered }: { policy: "open" | "registry"; registered: number }) {
  const { busy, message, run } = useAction();
  const next = policy === "open" ? "registry" : "open";
  const set = () =>
    run(async () => {
      await api("/api/v1/staff/model-policy", { method: "PUT", body: { policy: next } });
      return `Policy set to ${next}.`;
    });
  return (
    <div className="flex flex-wrap items-center gap-3">
      <p className="basis-full text-sm" data-testid="model-policy">
        {policy === "open"
          ? "Open: any model may start a provisioning session."
          : "Registry: a session for an unregistered model, or a firmware the model does not allow, is refused (unknown_model, firmware_not_allowed)."}
      </p>
      {next === "registry" ? (
        <ConfirmDialog
          trigger={
            <Button variant="secondary" disabled={busy}>
              Require registered models
            </Button>
          }
          title="Require registered models?"
          description={
            registered === 0
              ? "No model is registered yet: from now on every device would be refused when it starts a session, new and re-provisioning ones alike. Register your models first."
              : `Only the ${registered} registered model${registered === 1 ? "" : "s"} (with allowed firmware) may start a session; any other device is refused.`
          }
          confirmLabel="Require registered models"
          cancelLabel="Cancel"
          onConfirm={set}
        />
      ) : (
        <Button variant="secondary" disabled={busy} onClick={() => void set()}>
          Allow any model
        </Button>
      )}
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
  const { busy, message, run } = useAction();
  function submit(form: FormData) {
    const text = (k: string) => String(form.get(k) ?? "").trim();
    const list = text("firmwareList")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    void run(async () => {
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
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        submit(new FormData(e.currentTarget));
      }}
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <Field id="model-id" label="Model (as devices send it)">
          <Input id="model-id" name="model" required pattern="[a-z0-9][a-z0-9\-]{0,63}" maxLength={64} />
        </Field>
        <Field id="model-name" label="Display name">
          <Input id="model-name" name="displayName" required maxLength={80} />
        </Field>
        <Field id="model-min" label="Minimum firmware (e.g. 1.4.0)">
          <Input id="model-min" name="minFirmware" maxLength={40} />
        </Field>
        <Field id="model-list" label="Or allowed versions (comma-separated)">
          <Input id="model-list" name="firmwareList" maxLength={500} />
        </Field>
        <Field id="model-properties" label="Properties and units (e.g. temperature Cel, humidity %)">
          <Input id="model-properties" name="properties" maxLength={2000} />
        </Field>
        <Field id="model-interval" label="Default interval (seconds)">
          <Input id="model-interval" name="interval" type="number" min={10} max={86400} defaultValue={60} />
        </Field>
      </div>
      <div className="space-y-2">
        <CheckboxField id="model-confirm" name="hasConfirmButton" label="Has a confirm button" />
        <CheckboxField id="model-legacy" name="legacyRefused" label="Refuse legacy (unsigned) data from this model" />
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={busy}>
          {busy ? "Saving…" : "Save model"}
        </Button>
        <Message message={message} />
      </div>
    </form>
  );
}

export function DeleteModelButton({ model }: { model: string }) {
  const { busy, message, run } = useAction();
  return (
    <>
      <ConfirmDialog
        trigger={
          <Button variant="danger-outline" size="sm" disabled={busy} aria-label={`Delete ${model}`}>
            Delete
          </Button>
        }
        title={`Delete ${model}?`}
        description="Under the registry policy its devices can no longer start sessions."
        confirmLabel={`Delete ${model}`}
        cancelLabel="Cancel"
        onConfirm={() =>
          run(async () => {
            await api(`/api/v1/staff/models/${encodeURIComponent(model)}`, { method: "DELETE" });
          })
        }
      />
      <Message message={message} />
    </>
  );
}

"use client";

import { useTranslations } from "next-intl";
import { api } from "../../_components/api";
import { useStaffAction } from "../../_components/staff-refusal";
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
  const t = useTranslations("staffModels.policyForm");
  const { busy, message, run } = useStaffAction();
  const next = policy === "open" ? "registry" : "open";
  const set = () =>
    run(async () => {
      await api("/api/v1/staff/model-policy", { method: "PUT", body: { policy: next } });
      return t("set", { policy: next });
    });
  return (
    <div className="flex flex-wrap items-center gap-3">
      <p className="basis-full text-sm" data-testid="model-policy">
        {policy === "open" ? t("open") : t("registry")}
      </p>
      {next === "registry" ? (
        <ConfirmDialog
          trigger={
            <Button variant="secondary" disabled={busy}>
              {t("require")}
            </Button>
          }
          title={t("requireTitle")}
          description={registered === 0 ? t("requireNone") : t("requireSome", { count: registered })}
          confirmLabel={t("require")}
          cancelLabel={t("cancel")}
          onConfirm={set}
        />
      ) : (
        <Button variant="secondary" disabled={busy} onClick={() => void set()}>
          {t("allowAny")}
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
  const t = useTranslations("staffModels.form");
  const { busy, message, run } = useStaffAction();
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
      return t("saved", { model: text("model") });
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
        <Field id="model-id" label={t("model")}>
          <Input id="model-id" name="model" required pattern="[a-z0-9][a-z0-9\-]{0,63}" maxLength={64} />
        </Field>
        <Field id="model-name" label={t("displayName")}>
          <Input id="model-name" name="displayName" required maxLength={80} />
        </Field>
        <Field id="model-min" label={t("minFirmware")}>
          <Input id="model-min" name="minFirmware" maxLength={40} />
        </Field>
        <Field id="model-list" label={t("firmwareList")}>
          <Input id="model-list" name="firmwareList" maxLength={500} />
        </Field>
        <Field id="model-properties" label={t("properties")}>
          <Input id="model-properties" name="properties" maxLength={2000} />
        </Field>
        <Field id="model-interval" label={t("interval")}>
          <Input id="model-interval" name="interval" type="number" min={10} max={86400} defaultValue={60} />
        </Field>
      </div>
      <div className="space-y-2">
        <CheckboxField id="model-confirm" name="hasConfirmButton" label={t("hasConfirmButton")} />
        <CheckboxField id="model-legacy" name="legacyRefused" label={t("legacyRefused")} />
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={busy}>
          {busy ? t("saving") : t("save")}
        </Button>
        <Message message={message} />
      </div>
    </form>
  );
}

export function DeleteModelButton({ model }: { model: string }) {
  const t = useTranslations("staffModels.delete");
  const { busy, message, run } = useStaffAction();
  return (
    <>
      <ConfirmDialog
        trigger={
          <Button variant="danger-outline" size="sm" disabled={busy} aria-label={t("label", { model })}>
            {t("button")}
          </Button>
        }
        title={t("title", { model })}
        description={t("description")}
        confirmLabel={t("label", { model })}
        cancelLabel={t("cancel")}
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

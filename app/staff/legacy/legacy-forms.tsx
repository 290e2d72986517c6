"use client";

import { useState } from "react";
import { useTranslations } from "next-intl";
import { api, ApiError } from "../../_components/api";
import { useStaffAction } from "../../_components/staff-refusal";
import { Button } from "../../_components/ui/button";
import { CheckboxField, Field, FieldRow, Input, Textarea } from "../../_components/ui/field";

export function Message({ message }: { message: { kind: "ok" | "error"; text: string } | null }) {
  return (
    <div role="status" className="basis-full">
      {message && (
        <p
          className={message.kind === "error" ? "text-sm text-danger-text" : "text-sm text-ok-text"}
          data-testid="legacy-message"
        >
          {message.text}
        </p>
      )}
    </div>
  );
}

export function SettingsForm({ acceptAny, cutoffAt }: { acceptAny: boolean; cutoffAt: string | null }) {
  const t = useTranslations("staffLegacy.settings");
  const { busy, message, run } = useStaffAction();
  function submit(form: FormData) {
    const cutoff = String(form.get("cutoff") ?? "");
    void run(async () => {
      await api("/api/v1/staff/legacy/settings", {
        method: "PUT",
        body: { acceptAny: form.get("acceptAny") === "on", cutoffAt: cutoff ? `${cutoff}T00:00:00Z` : null },
      });
      return t("saved");
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
      <CheckboxField
        id="legacy-accept-any"
        name="acceptAny"
        defaultChecked={acceptAny}
        label={t("acceptAny")}
        hint={t("acceptAnyHint")}
      />
      <FieldRow>
        <Field id="legacy-cutoff" label={t("cutoff")}>
          <Input id="legacy-cutoff" name="cutoff" type="date" defaultValue={cutoffAt?.slice(0, 10) ?? ""} />
        </Field>
        <Button type="submit" disabled={busy}>
          {busy ? t("saving") : t("save")}
        </Button>
      </FieldRow>
      <Message message={message} />
    </form>
  );
}

export function RegisterForm() {
  const t = useTranslations("staffLegacy.registerForm");
  const { busy, message, run } = useStaffAction();
  function submit(form: FormData) {
    const text = (k: string) => String(form.get(k) ?? "").trim();
    void run(async () => {
      await api("/api/v1/staff/legacy/nodes", {
        method: "POST",
        body: {
          hardwareId: text("hardwareId"),
          ownerEmail: text("ownerEmail"),
          name: text("name"),
          ...(text("model") ? { model: text("model") } : {}),
        },
      });
      return t("registered", { id: text("hardwareId") });
    });
  }
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        submit(new FormData(e.currentTarget));
      }}
    >
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Field id="legacy-hw" label={t("hardwareId")}>
          <Input id="legacy-hw" name="hardwareId" required placeholder={t("hardwareIdPlaceholder")} maxLength={64} />
        </Field>
        <Field id="legacy-owner" label={t("owner")}>
          <Input id="legacy-owner" name="ownerEmail" type="email" required maxLength={254} />
        </Field>
        <Field id="legacy-name" label={t("name")}>
          <Input id="legacy-name" name="name" required maxLength={60} />
        </Field>
        <Field id="legacy-model" label={t("model")}>
          <Input id="legacy-model" name="model" placeholder={t("modelPlaceholder")} maxLength={64} />
        </Field>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={busy}>
          {busy ? t("registering") : t("register")}
        </Button>
        <Message message={message} />
      </div>
    </form>
  );
}

type Line = { line: number; hardwareId: string; outcome: "registered" | "rejected"; reason?: string };

export function ImportForm() {
  const t = useTranslations("staffLegacy.importForm");
  const { busy, message, run } = useStaffAction();
  const [report, setReport] = useState<Line[] | null>(null);
  function submit(form: FormData) {
    const file = form.get("file");
    const pasted = String(form.get("csv") ?? "");
    void run(async () => {
      const text = file instanceof File && file.size > 0 ? await file.text() : pasted;
      const res = await fetch("/api/v1/staff/legacy/import", {
        method: "POST",
        headers: { "content-type": "text/csv" },
        body: text,
        credentials: "same-origin",
      });
      const data = await res.json();
      if (!res.ok)
        throw new ApiError(res.status, data.code ?? "error", data.detail ?? t("failed", { status: res.status }));
      setReport(data.report);
      const ok = (data.report as Line[]).filter((l) => l.outcome === "registered").length;
      return t("outcome", { registered: ok, rejected: data.report.length - ok });
    });
  }
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        submit(new FormData(e.currentTarget));
      }}
    >
      <p className="text-sm text-muted">{t("help")}</p>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field id="legacy-file" label={t("file")}>
          <Input id="legacy-file" name="file" type="file" accept=".csv,text/csv,text/plain" />
        </Field>
        <Field id="legacy-csv" label={t("paste")}>
          <Textarea id="legacy-csv" name="csv" rows={4} maxLength={262144} />
        </Field>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={busy}>
          {busy ? t("importing") : t("import")}
        </Button>
        <Message message={message} />
      </div>
      {report && report.length > 0 && (
        <ul className="divide-y divide-line rounded-lg border border-line text-sm" data-testid="import-report">
          {report.map((l) => (
            <li key={l.line} className="flex flex-wrap gap-x-3 px-3 py-2">
              <span className="text-muted">{t("line", { line: l.line })}</span>
              <span className="font-mono">{l.hardwareId}</span>
              <span>
                {l.outcome === "registered" ? t("lineRegistered") : t("lineRejected", { reason: l.reason ?? "" })}
              </span>
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}

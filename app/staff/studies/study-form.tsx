"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "../../_components/api";
import { Button } from "../../_components/ui/button";
import { Field, Input, Select, Textarea } from "../../_components/ui/field";
import { useStudyRefusal } from "./refusal";
import type { Localized } from "./study-text";

export type StudyFields = {
  id?: string;
  status?: string;
  name: Localized;
  description: Localized;
  infoUrl: string | null;
  contactEmail: string;
  startsOn: string;
  endsOn: string;
  models: string[];
  dataPolicy: "erase" | "retain";
  pendingConsentReadings: "pause" | "continue";
};

const EMPTY: StudyFields = {
  name: {},
  description: {},
  infoUrl: null,
  contactEmail: "",
  startsOn: "",
  endsOn: "",
  models: [],
  dataPolicy: "erase",
  pendingConsentReadings: "pause",
};

/** Text per language: only the languages filled in are sent. */
function localized(form: FormData, key: string): Localized {
  const out: Localized = {};
  for (const lang of ["nl", "en"] as const) {
    const v = String(form.get(`${key}-${lang}`) ?? "").trim();
    if (v) out[lang] = v;
  }
  return out;
}

/** Creates a study (no `study`) or edits one; per-language texts side by side. */
export function StudyForm({ study }: { study?: StudyFields }) {
  const router = useRouter();
  const t = useTranslations("staffStudies.form");
  const tError = useTranslations("error");
  const refusal = useStudyRefusal();
  const s = study ?? EMPTY;
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  const policyFixed = !!study && study.status !== "draft";

  async function submit(form: FormData) {
    setBusy(true);
    setMessage(null);
    const text = (k: string) => String(form.get(k) ?? "").trim();
    const body = {
      name: localized(form, "name"),
      description: localized(form, "description"),
      infoUrl: text("infoUrl") || null,
      contactEmail: text("contactEmail"),
      startsOn: text("startsOn"),
      endsOn: text("endsOn"),
      models: text("models")
        .split(",")
        .map((m) => m.trim())
        .filter(Boolean),
      ...(policyFixed ? {} : { dataPolicy: text("dataPolicy") }),
      pendingConsentReadings: text("pendingConsentReadings"),
    };
    try {
      if (study?.id) {
        await api(`/api/v1/staff/studies/${study.id}`, { method: "PATCH", body });
        setMessage({ kind: "ok", text: t("saved") });
        router.refresh();
      } else {
        const created = await api<{ id: string }>("/api/v1/staff/studies", { method: "POST", body });
        router.push(`/staff/studies/${created.id}`);
      }
    } catch (err) {
      const refused = refusal(err);
      setMessage({ kind: "error", text: refused instanceof Error ? refused.message : tError("title") });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="space-y-5"
      data-testid="study-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit(new FormData(e.currentTarget));
      }}
    >
      <fieldset className="grid gap-4 sm:grid-cols-2">
        <legend className="mb-2 text-sm font-semibold">{t("legend")}</legend>
        <Field id="name-en" label={t("nameEn")}>
          <Input id="name-en" name="name-en" defaultValue={s.name.en ?? ""} maxLength={120} />
        </Field>
        <Field id="name-nl" label={t("nameNl")}>
          <Input id="name-nl" name="name-nl" defaultValue={s.name.nl ?? ""} maxLength={120} lang="nl" />
        </Field>
        <Field id="description-en" label={t("descriptionEn")}>
          <Textarea
            id="description-en"
            name="description-en"
            rows={4}
            defaultValue={s.description.en ?? ""}
            maxLength={4000}
          />
        </Field>
        <Field id="description-nl" label={t("descriptionNl")}>
          <Textarea
            id="description-nl"
            name="description-nl"
            rows={4}
            defaultValue={s.description.nl ?? ""}
            maxLength={4000}
            lang="nl"
          />
        </Field>
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="contactEmail" label={t("contactEmail")}>
          <Input id="contactEmail" name="contactEmail" type="email" required defaultValue={s.contactEmail} />
        </Field>
        <Field id="infoUrl" label={t("infoUrl")} hint={t("optional")}>
          <Input id="infoUrl" name="infoUrl" type="url" defaultValue={s.infoUrl ?? ""} />
        </Field>
        <Field id="startsOn" label={t("startsOn")}>
          <Input id="startsOn" name="startsOn" type="date" required defaultValue={s.startsOn} />
        </Field>
        <Field id="endsOn" label={t("endsOn")}>
          <Input id="endsOn" name="endsOn" type="date" required defaultValue={s.endsOn} />
        </Field>
        <Field id="models" label={t("models")} hint={t("modelsHint")}>
          <Input id="models" name="models" defaultValue={s.models.join(", ")} />
        </Field>
        <Field id="dataPolicy" label={t("dataPolicy")} hint={policyFixed ? t("policyFixed") : t("policyOpen")}>
          <Select id="dataPolicy" name="dataPolicy" defaultValue={s.dataPolicy} disabled={policyFixed}>
            <option value="erase">{t("erase")}</option>
            <option value="retain">{t("retain")}</option>
          </Select>
        </Field>
        <Field id="pendingConsentReadings" label={t("pending")}>
          <Select id="pendingConsentReadings" name="pendingConsentReadings" defaultValue={s.pendingConsentReadings}>
            <option value="pause">{t("pause")}</option>
            <option value="continue">{t("continue")}</option>
          </Select>
        </Field>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={busy}>
          {study?.id ? t("save") : t("create")}
        </Button>
        <div role="status" className="text-sm">
          {message && (
            <span
              className={message.kind === "error" ? "text-danger-text" : "text-ok-text"}
              data-testid="study-message"
            >
              {message.text}
            </span>
          )}
        </div>
      </div>
    </form>
  );
}

"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { api } from "../../_components/api";
import { useAction } from "../../_components/use-action";
import { Button } from "../../_components/ui/button";
import { Panel } from "../../_components/ui/card";
import { CheckboxField, Field, Input, Select } from "../../_components/ui/field";
import { StatusMessage } from "../../_components/ui/status-message";
import { SecretNotice } from "./secret-notice";

// An endpoint's form by example, the same in every language.
const URL_EXAMPLE = "https://hooks.example.org/claimlink";

export function NewSubscription({
  studies,
  eventTypes,
}: {
  studies: { id: string; name: string }[];
  eventTypes: readonly string[];
}) {
  const t = useTranslations("staffWebhooks.new");
  // What each event means (docs/integrations.md "Events and payloads"), keyed without its dot.
  const events_ = useTranslations("staffWebhooks.events");
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [events, setEvents] = useState<string[]>([]);
  const [studyId, setStudyId] = useState("");
  const [secret, setSecret] = useState<string | null>(null);
  const create = useAction();

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    await create.run(async () => {
      const r = await api<{ secret: string }>("/api/v1/staff/webhooks", {
        method: "POST",
        body: { url, description, events, studyId: studyId || null },
      });
      setSecret(r.secret);
      setUrl("");
      setDescription("");
      setEvents([]);
      return t("done");
    });
  }

  return (
    <div className="space-y-4">
      {secret && <SecretNotice secret={secret} onDone={() => setSecret(null)} />}
      <Panel title={t("title")} description={t("description")}>
        <form onSubmit={(e) => void submit(e)} className="space-y-4" aria-label={t("formLabel")}>
          <Field id="webhook-url" label={t("url")} hint={t("urlHint")}>
            <Input
              id="webhook-url"
              type="url"
              value={url}
              maxLength={2000}
              required
              onChange={(e) => setUrl(e.target.value)}
              aria-describedby="webhook-url-hint"
              placeholder={URL_EXAMPLE}
            />
          </Field>
          <Field id="webhook-description" label={t("descriptionLabel")}>
            <Input
              id="webhook-description"
              value={description}
              maxLength={200}
              onChange={(e) => setDescription(e.target.value)}
              placeholder={t("descriptionPlaceholder")}
            />
          </Field>
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium">{t("events")}</legend>
            {eventTypes.map((type) => (
              <CheckboxField
                key={type}
                id={`event-${type}`}
                label={<code className="text-sm">{type}</code>}
                hint={events_(type.replace(".", "_"))}
                checked={events.includes(type)}
                onChange={(e) => setEvents((s) => (e.target.checked ? [...s, type] : s.filter((x) => x !== type)))}
              />
            ))}
          </fieldset>
          <Field id="webhook-study" label={t("study")} hint={t("studyHint")}>
            <Select
              id="webhook-study"
              value={studyId}
              onChange={(e) => setStudyId(e.target.value)}
              aria-describedby="webhook-study-hint"
            >
              <option value="">{t("everyEvent")}</option>
              {studies.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </Select>
          </Field>
          <div className="flex flex-wrap items-center gap-3">
            <Button type="submit" disabled={create.busy || !url.trim() || events.length === 0}>
              {create.busy ? t("subscribing") : t("subscribe")}
            </Button>
            <StatusMessage message={create.message} />
          </div>
        </form>
      </Panel>
    </div>
  );
}

"use client";

import { useState } from "react";
import { api } from "../../_components/api";
import { useAction } from "../../_components/use-action";
import { Button } from "../../_components/ui/button";
import { Panel } from "../../_components/ui/card";
import { CheckboxField, Field, Input, Select } from "../../_components/ui/field";
import { StatusMessage } from "../../_components/ui/status-message";
import { EVENT_LABELS } from "./event-labels";
import { SecretNotice } from "./secret-notice";

export function NewSubscription({ studies }: { studies: { id: string; name: string }[] }) {
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
      return "Subscribed.";
    });
  }

  return (
    <div className="space-y-4">
      {secret && <SecretNotice secret={secret} onDone={() => setSecret(null)} />}
      <Panel title="New subscription" description="An https endpoint on a public address, and the events it gets.">
        <form onSubmit={(e) => void submit(e)} className="space-y-4" aria-label="New webhook subscription">
          <Field id="webhook-url" label="Endpoint URL" hint="https only; private and loopback addresses are refused.">
            <Input
              id="webhook-url"
              type="url"
              value={url}
              maxLength={2000}
              required
              onChange={(e) => setUrl(e.target.value)}
              aria-describedby="webhook-url-hint"
              placeholder="https://hooks.example.org/claimlink"
            />
          </Field>
          <Field id="webhook-description" label="Description">
            <Input
              id="webhook-description"
              value={description}
              maxLength={200}
              onChange={(e) => setDescription(e.target.value)}
              placeholder="Chat alerts"
            />
          </Field>
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium">Events</legend>
            {Object.entries(EVENT_LABELS).map(([type, label]) => (
              <CheckboxField
                key={type}
                id={`event-${type}`}
                label={<code className="text-sm">{type}</code>}
                hint={label}
                checked={events.includes(type)}
                onChange={(e) => setEvents((s) => (e.target.checked ? [...s, type] : s.filter((x) => x !== type)))}
              />
            ))}
          </fieldset>
          <Field
            id="webhook-study"
            label="Limit to a study"
            hint="Only that study's events, with pseudonyms instead of device ids: for a researcher's endpoint."
          >
            <Select
              id="webhook-study"
              value={studyId}
              onChange={(e) => setStudyId(e.target.value)}
              aria-describedby="webhook-study-hint"
            >
              <option value="">Every event</option>
              {studies.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </Select>
          </Field>
          <div className="flex flex-wrap items-center gap-3">
            <Button type="submit" disabled={create.busy || !url.trim() || events.length === 0}>
              {create.busy ? "Subscribing…" : "Subscribe"}
            </Button>
            <StatusMessage message={create.message} />
          </div>
        </form>
      </Panel>
    </div>
  );
}

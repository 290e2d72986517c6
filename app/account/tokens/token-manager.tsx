"use client";

import { KeyRound } from "lucide-react";
import { useState } from "react";
import { api } from "../../_components/api";
import { Time } from "../../_components/time";
import { useAction } from "../../_components/use-action";
import { Badge } from "../../_components/ui/badge";
import { Button } from "../../_components/ui/button";
import { Panel } from "../../_components/ui/card";
import { ConfirmDialog } from "../../_components/ui/confirm-dialog";
import { CopyButton } from "../../_components/ui/copy-button";
import { EmptyState } from "../../_components/ui/empty-state";
import { CheckboxField, Field, Input, Select } from "../../_components/ui/field";
import { Notice } from "../../_components/ui/notice";
import { StatusMessage } from "../../_components/ui/status-message";

type Token = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  state: "active" | "expired" | "revoked";
};
type Choice = { scope: string; label: string; hint: string };

const EXPIRY = [
  { days: 30, label: "30 days" },
  { days: 90, label: "90 days" },
  { days: 180, label: "180 days" },
  { days: 365, label: "1 year" },
];

const STATE_TONE = { active: "ok", expired: "neutral", revoked: "danger" } as const;

export function TokenManager({ tokens, choices }: { tokens: Token[]; choices: Choice[] }) {
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<string[]>([]);
  const [days, setDays] = useState(90);
  const [made, setMade] = useState<{ token: string; name: string } | null>(null);
  const create = useAction();
  const labelOf = (scope: string) => choices.find((c) => c.scope === scope)?.label ?? scope;

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    await create.run(async () => {
      const r = await api<{ token: string; view: Token }>("/api/v1/me/tokens", {
        method: "POST",
        body: { name, scopes, expiresInDays: days },
      });
      setMade({ token: r.token, name: r.view.name });
      setName("");
      setScopes([]);
    });
  }

  return (
    <div className="space-y-5">
      {made && (
        <Notice tone="ok" title={`Your new token “${made.name}”`} data-testid="new-token">
          <p>Copy it now: it is shown only this once. Claimlink keeps only a fingerprint of it.</p>
          <div className="mt-2 flex items-start gap-2">
            <code className="min-w-0 flex-1 rounded bg-sunken p-2 text-xs break-all" data-testid="new-token-value">
              {made.token}
            </code>
            <CopyButton value={made.token} label="Copy the token" copiedLabel="Copied" iconOnly />
          </div>
          <Button variant="secondary" size="sm" className="mt-3" onClick={() => setMade(null)}>
            I have copied it
          </Button>
        </Notice>
      )}

      <Panel title="New token">
        <form onSubmit={(e) => void submit(e)} className="space-y-4" aria-label="New API token">
          <Field id="token-name" label="Name" hint="What it is for, so you recognise it later.">
            <Input
              id="token-name"
              value={name}
              maxLength={80}
              required
              onChange={(e) => setName(e.target.value)}
              aria-describedby="token-name-hint"
              placeholder="Nightly export"
            />
          </Field>
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium">What it may read</legend>
            {choices.map((c) => (
              <CheckboxField
                key={c.scope}
                id={`scope-${c.scope}`}
                label={c.label}
                hint={c.hint}
                checked={scopes.includes(c.scope)}
                onChange={(e) =>
                  setScopes((s) => (e.target.checked ? [...s, c.scope] : s.filter((x) => x !== c.scope)))
                }
              />
            ))}
          </fieldset>
          <Field id="token-expiry" label="Expires after">
            <Select id="token-expiry" value={days} onChange={(e) => setDays(Number(e.target.value))}>
              {EXPIRY.map((x) => (
                <option key={x.days} value={x.days}>
                  {x.label}
                </option>
              ))}
            </Select>
          </Field>
          <div className="flex flex-wrap items-center gap-3">
            <Button type="submit" disabled={create.busy || !name.trim() || scopes.length === 0}>
              {create.busy ? "Making…" : "Make token"}
            </Button>
            <StatusMessage message={create.message} />
          </div>
        </form>
      </Panel>

      <Panel title="Your tokens">
        {tokens.length === 0 ? (
          <EmptyState title="No tokens yet" icon={<KeyRound aria-hidden className="size-6" />} level={3}>
            A token you make above appears here, with when it was last used.
          </EmptyState>
        ) : (
          <ul className="divide-y divide-line rounded-lg border border-line" data-testid="token-list">
            {tokens.map((t) => (
              <li key={t.id} className="flex flex-wrap items-center justify-between gap-3 px-3 py-3" data-token={t.id}>
                <div className="min-w-0">
                  <p className="text-sm font-medium">
                    {t.name} <code className="text-xs text-muted">{t.prefix}…</code>{" "}
                    <Badge tone={STATE_TONE[t.state]}>{t.state}</Badge>
                  </p>
                  <p className="text-xs text-muted">{t.scopes.map(labelOf).join(" · ")}</p>
                  <p className="text-xs text-muted">
                    made <Time value={t.createdAt} /> · {t.state === "expired" ? "expired" : "expires"}{" "}
                    <Time value={t.expiresAt} /> ·{" "}
                    {t.lastUsedAt ? (
                      <>
                        last used <Time value={t.lastUsedAt} />
                      </>
                    ) : (
                      "never used"
                    )}
                  </p>
                </div>
                {t.state === "active" && (
                  <ConfirmDialog
                    trigger={
                      <Button variant="danger-outline" size="sm">
                        Revoke
                      </Button>
                    }
                    title={`Revoke “${t.name}”?`}
                    description="The next request with this token is refused. A program using it stops working until you give it a new one."
                    confirmLabel="Revoke token"
                    busyLabel="Revoking…"
                    cancelLabel="Cancel"
                    onConfirm={async () => {
                      await api(`/api/v1/me/tokens/${t.id}`, { method: "DELETE" });
                      window.location.reload();
                    }}
                  />
                )}
              </li>
            ))}
          </ul>
        )}
      </Panel>
    </div>
  );
}

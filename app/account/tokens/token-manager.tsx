"use client";

import { KeyRound } from "lucide-react";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import type { TokenView } from "@/lib/integrations/tokens";
import { api } from "../../_components/api";
import { localized } from "../../_components/localized";
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
import { useRefusal } from "../refusal";

/** A token as the tokens list shows it (GET /api/v1/me/tokens). */
type Token = Omit<TokenView, "revokedAt">;
type Choice = { scope: string; label: string; hint: string; study?: { nl?: string; en?: string } };

const EXPIRY_DAYS = [30, 90, 180, 365];

const STATE_TONE = { active: "ok", expired: "neutral", revoked: "danger" } as const;

export function TokenManager({ tokens, choices }: { tokens: Token[]; choices: Choice[] }) {
  const t = useTranslations("account.tokens");
  const common = useTranslations("account");
  const refusal = useRefusal("tokens");
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<string[]>([]);
  const [days, setDays] = useState(90);
  const [made, setMade] = useState<{ token: string; name: string } | null>(null);
  const create = useAction();
  const locale = useLocale();
  // The scope's words in the reader's language: the server's English label is for the API.
  const wordsOf = (c: Choice) => {
    const kind = c.study ? "study" : c.scope.split(":")[0];
    if (!["devices", "fleet", "audit", "study"].includes(kind)) return { label: c.label, hint: c.hint };
    const name = c.study ? localized(c.study, locale) : "";
    return { label: t(`scopes.${kind}.label`, { name }), hint: t(`scopes.${kind}.hint`) };
  };
  const labelOf = (scope: string) => {
    const c = choices.find((x) => x.scope === scope);
    return c ? wordsOf(c).label : scope;
  };

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    await create.run(async () => {
      const r = await api<{ token: string; view: Token }>("/api/v1/me/tokens", {
        method: "POST",
        body: { name, scopes, expiresInDays: days },
      }).catch((err) => {
        throw refusal(err);
      });
      setMade({ token: r.token, name: r.view.name });
      setName("");
      setScopes([]);
    });
  }

  return (
    <div className="space-y-5">
      {made && (
        <Notice tone="ok" title={t("newTitle", { name: made.name })} data-testid="new-token">
          <p>{t("copyNow")}</p>
          <div className="mt-2 flex items-start gap-2">
            <code className="min-w-0 flex-1 rounded bg-sunken p-2 text-xs break-all" data-testid="new-token-value">
              {made.token}
            </code>
            <CopyButton value={made.token} label={t("copy")} copiedLabel={common("copied")} iconOnly />
          </div>
          <Button variant="secondary" size="sm" className="mt-3" onClick={() => setMade(null)}>
            {t("copiedIt")}
          </Button>
        </Notice>
      )}

      <Panel title={t("newToken")}>
        <form onSubmit={(e) => void submit(e)} className="space-y-4" aria-label={t("formLabel")}>
          <Field id="token-name" label={t("name")} hint={t("nameHint")}>
            <Input
              id="token-name"
              value={name}
              maxLength={80}
              required
              onChange={(e) => setName(e.target.value)}
              aria-describedby="token-name-hint"
              placeholder={t("namePlaceholder")}
            />
          </Field>
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium">{t("mayRead")}</legend>
            {choices.map((c) => (
              <CheckboxField
                key={c.scope}
                id={`scope-${c.scope}`}
                label={wordsOf(c).label}
                hint={wordsOf(c).hint}
                checked={scopes.includes(c.scope)}
                onChange={(e) =>
                  setScopes((s) => (e.target.checked ? [...s, c.scope] : s.filter((x) => x !== c.scope)))
                }
              />
            ))}
          </fieldset>
          <Field id="token-expiry" label={t("expiresAfter")}>
            <Select id="token-expiry" value={days} onChange={(e) => setDays(Number(e.target.value))}>
              {EXPIRY_DAYS.map((d) => (
                <option key={d} value={d}>
                  {d === 365 ? t("year") : t("days", { days: d })}
                </option>
              ))}
            </Select>
          </Field>
          <div className="flex flex-wrap items-center gap-3">
            <Button type="submit" disabled={create.busy || !name.trim() || scopes.length === 0}>
              {create.busy ? t("making") : t("make")}
            </Button>
            <StatusMessage message={create.message} />
          </div>
        </form>
      </Panel>

      <Panel title={t("yours")}>
        {tokens.length === 0 ? (
          <EmptyState title={t("none")} icon={<KeyRound aria-hidden className="size-6" />} level={3}>
            {t("noneText")}
          </EmptyState>
        ) : (
          <ul className="divide-y divide-line rounded-lg border border-line" data-testid="token-list">
            {tokens.map((tok) => (
              <li
                key={tok.id}
                className="flex flex-wrap items-center justify-between gap-3 px-3 py-3"
                data-token={tok.id}
              >
                <div className="min-w-0">
                  <p className="text-sm font-medium">
                    {tok.name} <code className="text-xs text-muted">{tok.prefix}…</code>{" "}
                    <Badge tone={STATE_TONE[tok.state]}>{t(`states.${tok.state}`)}</Badge>
                  </p>
                  <p className="text-xs text-muted">{tok.scopes.map(labelOf).join(" · ")}</p>
                  <p className="text-xs text-muted">
                    {t("made")} <Time value={tok.createdAt} /> · {tok.state === "expired" ? t("expired") : t("expires")}{" "}
                    <Time value={tok.expiresAt} /> ·{" "}
                    {tok.lastUsedAt ? (
                      <>
                        {t("lastUsed")} <Time value={tok.lastUsedAt} />
                      </>
                    ) : (
                      t("neverUsed")
                    )}
                  </p>
                </div>
                {tok.state === "active" && (
                  <ConfirmDialog
                    trigger={
                      <Button variant="danger-outline" size="sm">
                        {t("revoke")}
                      </Button>
                    }
                    title={t("revokeTitle", { name: tok.name })}
                    description={t("revokeText")}
                    confirmLabel={t("revokeConfirm")}
                    busyLabel={t("revoking")}
                    cancelLabel={common("cancel")}
                    onConfirm={async () => {
                      await api(`/api/v1/me/tokens/${tok.id}`, { method: "DELETE" }).catch((err) => {
                        throw refusal(err);
                      });
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

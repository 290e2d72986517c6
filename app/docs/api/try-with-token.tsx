"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";

type Op = { id: string; path: string; summary: string; scope: string };

const MAX_SHOWN = 20_000;
// How every API token begins (lib/integrations/tokens.ts), the same in every language.
const TOKEN_PREFIX = "clk_…";

/**
 * Sends one GET that takes an API token, with the token typed here and no cookie, and shows the
 * answer. The token stays in this page's memory: never stored, never put in a URL.
 */
export function TryWithToken({ operations }: { operations: Op[] }) {
  const t = useTranslations("apiDocs.try");
  const [token, setToken] = useState("");
  const [opId, setOpId] = useState(operations[0]?.id ?? "");
  const op = operations.find((o) => o.id === opId);
  const [path, setPath] = useState(op?.path ?? "");
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<{ status: number; type: string; body: string } | null>(null);

  async function send(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setAnswer(null);
    try {
      const res = await fetch(path, {
        headers: { authorization: `Bearer ${token.trim()}` },
        credentials: "omit",
        cache: "no-store",
      });
      const type = res.headers.get("content-type") ?? "";
      let body = await res.text();
      if (type.includes("json")) body = JSON.stringify(JSON.parse(body), null, 2);
      if (body.length > MAX_SHOWN) body = `${body.slice(0, MAX_SHOWN)}\n${t("more", { n: body.length - MAX_SHOWN })}`;
      setAnswer({ status: res.status, type, body });
    } catch {
      setAnswer({ status: 0, type: "", body: t("unreachable") });
    } finally {
      setBusy(false);
    }
  }

  if (operations.length === 0) return null;
  return (
    <form onSubmit={(e) => void send(e)} className="api-try" aria-label={t("formLabel")}>
      <p>
        <label htmlFor="try-token">{t("token")}</label>
        <br />
        <input
          id="try-token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder={TOKEN_PREFIX}
          value={token}
          onChange={(e) => setToken(e.target.value)}
          className="api-try-input"
        />
      </p>
      <p>
        <label htmlFor="try-op">{t("route")}</label>
        <br />
        <select
          id="try-op"
          value={opId}
          onChange={(e) => {
            setOpId(e.target.value);
            setPath(operations.find((o) => o.id === e.target.value)?.path ?? "");
          }}
          className="api-try-input"
        >
          {operations.map((o) => (
            <option key={o.id} value={o.id}>
              {`GET ${o.path} (${o.scope})`}
            </option>
          ))}
        </select>
      </p>
      <p>
        <label htmlFor="try-path">{t("path")}</label>
        <br />
        <input
          id="try-path"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          className="api-try-input"
          spellCheck={false}
        />
      </p>
      <p>
        <button type="submit" disabled={busy || !token.trim() || !path.startsWith("/api/v1/")}>
          {busy ? t("sending") : t("send")}
        </button>
      </p>
      <div role="status" aria-live="polite">
        {answer && (
          <>
            <p>
              <strong data-testid="try-status">{answer.status || t("noAnswer")}</strong>{" "}
              {answer.type && <code>{answer.type}</code>}
            </p>
            <pre className="api-pre" data-testid="try-body">
              {answer.body}
            </pre>
          </>
        )}
      </div>
    </form>
  );
}

"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { api } from "../_components/api";
import { Time } from "../_components/time";
import { Badge } from "../_components/ui/badge";
import { Button } from "../_components/ui/button";
import { ConfirmDialog } from "../_components/ui/confirm-dialog";
import { useRefusal } from "./refusal";

type Row = { id: string; browser: string; ip: string | null; lastSeenAt: string; createdAt: string; current: boolean };

export function SessionList({ sessions }: { sessions: Row[] }) {
  const t = useTranslations("account.sessions");
  const cancel = useTranslations("account")("cancel");
  const refusal = useRefusal();
  const router = useRouter();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function end(s: Row) {
    setBusy(s.id);
    setError(null);
    try {
      await api(`/api/v1/me/sessions/${s.id}`, { method: "DELETE" });
      if (s.current) window.location.assign("/sign-in");
      else router.refresh();
    } catch (err) {
      setError(refusal(err).message);
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="space-y-4">
      <ul className="divide-y divide-line rounded-lg border border-line" data-testid="session-list">
        {sessions.map((s) => (
          <li key={s.id} className="flex flex-wrap items-center justify-between gap-3 px-3 py-3">
            <div className="min-w-0">
              <p className="text-sm font-medium">
                {s.browser}{" "}
                {s.current && (
                  <Badge tone="ok" className="ms-1">
                    {t("thisBrowser")}
                  </Badge>
                )}
              </p>
              <p className="text-xs text-muted">
                {s.ip ?? t("unknownAddress")} · {t("lastActive")} <Time value={s.lastSeenAt} /> · {t("signedIn")}{" "}
                <Time value={s.createdAt} />
              </p>
            </div>
            <Button variant="secondary" size="sm" disabled={busy !== null} onClick={() => void end(s)}>
              {busy === s.id ? t("ending") : s.current ? t("signOutHere") : t("end")}
            </Button>
          </li>
        ))}
      </ul>
      {error && (
        <p role="alert" className="text-sm text-danger-text">
          {error}
        </p>
      )}
      <ConfirmDialog
        trigger={<Button variant="danger-outline">{t("signOutEverywhere")}</Button>}
        title={t("confirmTitle")}
        description={t("confirmText")}
        confirmLabel={t("signOutEverywhere")}
        busyLabel={t("signingOut")}
        cancelLabel={cancel}
        onConfirm={async () => {
          await api("/api/v1/me/sessions", { method: "DELETE" }).catch((err) => {
            throw refusal(err);
          });
          window.location.assign("/sign-in");
        }}
      />
    </div>
  );
}

"use client";

import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { api } from "./api";

type Status = { readingsDeleted: number; completedAt: string | null };

/** How far the erasure of a person's data has come, followed until it is done. */
export function ErasureProgress({ erasureId, initial }: { erasureId: string; initial?: Status }) {
  const t = useTranslations("account.erasure");
  const [status, setStatus] = useState<Status | null>(initial ?? null);
  const [error, setError] = useState(false);
  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const s = await api<Status>(`/api/v1/me/erasures/${erasureId}`);
        if (stop) return;
        setStatus(s);
        setError(false);
        if (!s.completedAt) timer = setTimeout(() => void poll(), 2000);
      } catch {
        if (stop) return;
        setError(true);
        timer = setTimeout(() => void poll(), 5000);
      }
    };
    if (!initial?.completedAt) void poll();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [erasureId, initial?.completedAt]);
  return (
    <p role="status" aria-live="polite" data-testid="erasure-progress" data-done={status?.completedAt ? "yes" : "no"}>
      {!status ? t("starting") : t(status.completedAt ? "done" : "running", { count: status.readingsDeleted })}
      {error && t("retrying")}
    </p>
  );
}

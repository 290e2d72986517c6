"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";

export type ActionMessage = { kind: "ok" | "error"; text: string } | null;

/**
 * Runs one action of a form at a time: `busy` while it runs, then its message (the string it
 * returned, or the refusal's text), and the page's server data refreshed after a success.
 */
export function useAction({ refresh = true }: { refresh?: boolean } = {}) {
  const router = useRouter();
  const t = useTranslations("error");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<ActionMessage>(null);
  async function run(fn: () => Promise<string | void>) {
    setBusy(true);
    setMessage(null);
    try {
      const text = await fn();
      if (text) setMessage({ kind: "ok", text });
      if (refresh) router.refresh();
    } catch (err) {
      setMessage({ kind: "error", text: err instanceof Error ? err.message : t("title") });
    } finally {
      setBusy(false);
    }
  }
  return { busy, message, run, setMessage };
}

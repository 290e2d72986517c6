"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useRefusalText } from "./staff-refusal";

export type ActionMessage = { kind: "ok" | "error"; text: string } | null;

/**
 * Runs one action of a form at a time: `busy` while it runs, then its message (the string it
 * returned, or the refusal's words in the reader's language), and the page's server data
 * refreshed after a success.
 */
export function useAction({ refresh = true }: { refresh?: boolean } = {}) {
  const router = useRouter();
  const refusalText = useRefusalText();
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
      setMessage({ kind: "error", text: refusalText(err) });
    } finally {
      setBusy(false);
    }
  }
  return { busy, message, run, setMessage };
}

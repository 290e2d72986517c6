"use client";

import { useTranslations } from "next-intl";
import { Button } from "../../_components/ui/button";
import { CopyButton } from "../../_components/ui/copy-button";
import { Notice } from "../../_components/ui/notice";

/** A signing secret, shown once: after a subscription is made or its secret rolled. */
export function SecretNotice({ secret, onDone }: { secret: string; onDone: () => void }) {
  const t = useTranslations("staffWebhooks.secret");
  return (
    <Notice tone="ok" title={t("title")} data-testid="webhook-secret">
      <p>{t("text")}</p>
      <div className="mt-2 flex items-start gap-2">
        <code className="min-w-0 flex-1 rounded bg-sunken p-2 text-xs break-all" data-testid="webhook-secret-value">
          {secret}
        </code>
        <CopyButton value={secret} label={t("copy")} copiedLabel={t("copied")} iconOnly />
      </div>
      <Button variant="secondary" size="sm" className="mt-3" onClick={onDone}>
        {t("done")}
      </Button>
    </Notice>
  );
}

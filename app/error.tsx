"use client";

import { useTranslations } from "next-intl";
import { Button } from "./_components/ui/button";
import { Main } from "./_components/ui/main";

export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  const t = useTranslations("error");
  return (
    <Main width="narrow">
      <div className="rounded-xl border border-line bg-surface p-6 shadow-xs">
        <h1 tabIndex={-1} className="text-2xl font-semibold tracking-tight outline-none">
          {t("title")}
        </h1>
        <p className="mt-2 text-sm text-muted">{t("text")}</p>
        <div className="mt-5">
          <Button onClick={reset}>{t("retry")}</Button>
        </div>
      </div>
    </Main>
  );
}

"use client";

import { useTranslations } from "next-intl";
import { Button } from "./_components/ui/button";
import { MessagePage } from "./_components/ui/message-page";

export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  const t = useTranslations("error");
  return <MessagePage title={t("title")} text={t("text")} action={<Button onClick={reset}>{t("retry")}</Button>} />;
}

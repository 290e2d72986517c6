import { getTranslations } from "next-intl/server";
import { ButtonLink } from "./_components/ui/button";
import { MessagePage } from "./_components/ui/message-page";

export default async function NotFound() {
  const t = await getTranslations("notFound");
  return <MessagePage title={t("title")} text={t("text")} action={<ButtonLink href="/">{t("home")}</ButtonLink>} />;
}

import { getTranslations } from "next-intl/server";
import { ButtonLink } from "./_components/ui/button";
import { Main } from "./_components/ui/main";

export default async function NotFound() {
  const t = await getTranslations("notFound");
  return (
    <Main width="narrow">
      <div className="rounded-xl border border-line bg-surface p-6 shadow-xs">
        <h1 tabIndex={-1} className="text-2xl font-semibold tracking-tight outline-none">
          {t("title")}
        </h1>
        <p className="mt-2 text-sm text-muted">{t("text")}</p>
        <div className="mt-5">
          <ButtonLink href="/">{t("home")}</ButtonLink>
        </div>
      </div>
    </Main>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { requireUserPage } from "@/lib/auth/current";
import { myScopeChoices, myTokens } from "@/lib/integrations/api";
import { Main } from "../../_components/ui/main";
import { PageHeader } from "../../_components/ui/page-header";
import { TokenManager } from "./token-manager";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("account.tokens");
  return { title: t("title") };
}

export default async function TokensPage() {
  const user = await requireUserPage("/account/tokens");
  const [t, tokens, choices] = await Promise.all([
    getTranslations("account.tokens"),
    myTokens(user),
    myScopeChoices(user),
  ]);
  return (
    <Main>
      <PageHeader title={t("title")} description={t("description")} />
      <div className="mb-5 max-w-prose space-y-2 text-sm">
        <p>
          {t.rich("scopeText", {
            code: (chunks) => <code>{chunks}</code>,
            link: (chunks) => <Link href="/docs/api">{chunks}</Link>,
          })}
        </p>
        <p>{t("treat")}</p>
      </div>
      <TokenManager tokens={tokens} choices={choices} />
    </Main>
  );
}

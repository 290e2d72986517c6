import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { emulatorEnabled } from "@/lib/emulator";
import { Main } from "../_components/ui/main";
import { PageHeader } from "../_components/ui/page-header";
import { Emulator } from "./emulator";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("emulator"))("title") };
}
export const dynamic = "force-dynamic";

export default async function EmulatorPage() {
  if (!emulatorEnabled()) notFound();
  const t = await getTranslations("emulator");
  return (
    <Main>
      <div className="mx-auto max-w-xl">
        <PageHeader title={t("title")} description={t("description")} />
        <Emulator />
      </div>
    </Main>
  );
}

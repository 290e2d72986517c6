import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { requireStaffPage } from "@/lib/auth/current";
import { Panel } from "../../../_components/ui/card";
import { Main } from "../../../_components/ui/main";
import { PageHeader } from "../../../_components/ui/page-header";
import { StudyForm } from "../study-form";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("staffStudies.newStudy"))("metaTitle") };
}

export default async function NewStudyPage() {
  await requireStaffPage("/staff/studies/new", { write: true });
  const t = await getTranslations("staffStudies.newStudy");
  return (
    <Main width="wide">
      <PageHeader
        title={t("title")}
        description={t("description")}
        back={{ href: "/staff/studies", label: t("back") }}
      />
      <Panel title={t("panel")}>
        <StudyForm />
      </Panel>
    </Main>
  );
}

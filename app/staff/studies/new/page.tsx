import type { Metadata } from "next";
import { requireStaffPage } from "@/lib/auth/current";
import { Panel } from "../../../_components/ui/card";
import { Main } from "../../../_components/ui/main";
import { PageHeader } from "../../../_components/ui/page-header";
import { StudyForm } from "../study-form";

export const metadata: Metadata = { title: "New study" };

export default async function NewStudyPage() {
  await requireStaffPage("/staff/studies/new", { write: true });
  return (
    <Main width="wide">
      <PageHeader
        title="New study"
        description="It starts in draft: write its consent text, then open recruiting."
        back={{ href: "/staff/studies", label: "Studies" }}
      />
      <Panel title="The study">
        <StudyForm />
      </Panel>
    </Main>
  );
}

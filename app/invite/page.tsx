import type { Metadata } from "next";
import { Card } from "../_components/ui/card";
import { Main } from "../_components/ui/main";
import { PageHeader } from "../_components/ui/page-header";
import { AcceptInvitation } from "./accept-invitation";

export const metadata: Metadata = { title: "Accept your invitation" };

export default function InvitePage() {
  return (
    <Main width="narrow">
      <PageHeader title="Welcome to Claimlink" className="mb-4" />
      <Card className="p-5 sm:p-6">
        <AcceptInvitation />
      </Card>
    </Main>
  );
}

import type { Metadata } from "next";
import { Card } from "../_components/ui/card";
import { Main } from "../_components/ui/main";
import { PageHeader } from "../_components/ui/page-header";
import { ResetPassword } from "./reset-password";

export const metadata: Metadata = { title: "Choose a new password" };

export default function ResetPasswordPage() {
  return (
    <Main width="narrow">
      <PageHeader title="Choose a new password" className="mb-4" />
      <Card className="p-5 sm:p-6">
        <ResetPassword />
      </Card>
    </Main>
  );
}

import type { Metadata } from "next";
import { mailEnabled } from "@/lib/mail/send";
import { Card } from "../_components/ui/card";
import { Main } from "../_components/ui/main";
import { PageHeader } from "../_components/ui/page-header";
import { ForgotPasswordForm } from "./forgot-password-form";

export const metadata: Metadata = { title: "Forgot password" };

export default function ForgotPasswordPage() {
  return (
    <Main width="narrow">
      <PageHeader title="Forgot your password?" className="mb-4" />
      <Card className="p-5 sm:p-6">
        {mailEnabled() ? (
          <ForgotPasswordForm />
        ) : (
          <p className="text-sm">Ask the project team for a password-reset link.</p>
        )}
      </Card>
    </Main>
  );
}

import type { Metadata } from "next";
import { mailEnabled } from "@/lib/mail/send";
import { ForgotPasswordForm } from "./forgot-password-form";

export const metadata: Metadata = { title: "Forgot password" };

export default function ForgotPasswordPage() {
  return (
    <main>
      <div className="card narrow">
        <h1>Forgot your password?</h1>
        {mailEnabled() ? <ForgotPasswordForm /> : <p>Ask the project team for a password-reset link.</p>}
      </div>
    </main>
  );
}

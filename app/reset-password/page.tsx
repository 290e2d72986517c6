import type { Metadata } from "next";
import { ResetPassword } from "./reset-password";

export const metadata: Metadata = { title: "Choose a new password" };

export default function ResetPasswordPage() {
  return (
    <main>
      <div className="card narrow">
        <h1>Choose a new password</h1>
        <ResetPassword />
      </div>
    </main>
  );
}

import type { Metadata } from "next";
import { myTwoFactorStatus } from "@/lib/accounts/api";
import { requireUserPage } from "@/lib/auth/current";
import { TwoFactorSettings } from "./two-factor-settings";

export const metadata: Metadata = { title: "Two-factor sign-in" };

export default async function SecurityPage() {
  const user = await requireUserPage("/account/security", { enrolment: true });
  const status = await myTwoFactorStatus(user);
  return (
    <main>
      <h1>Two-factor sign-in</h1>
      {user.mustEnrol && (
        <p className="notice error" data-testid="must-enrol">
          Staff accounts must use two-factor sign-in. Switch it on to continue.
        </p>
      )}
      <TwoFactorSettings
        email={user.email}
        on={status.on}
        required={status.required}
        remaining={status.remainingRecoveryCodes}
      />
    </main>
  );
}

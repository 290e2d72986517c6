import type { Metadata } from "next";
import { myTwoFactorStatus } from "@/lib/accounts/owner-api";
import { requireUserPage } from "@/lib/auth/current";
import { Main } from "../../_components/ui/main";
import { Notice } from "../../_components/ui/notice";
import { PageHeader } from "../../_components/ui/page-header";
import { TwoFactorSettings } from "./two-factor-settings";

export const metadata: Metadata = { title: "Two-factor sign-in" };

export default async function SecurityPage() {
  const user = await requireUserPage("/account/security", { enrolment: true });
  const status = await myTwoFactorStatus(user);
  return (
    <Main>
      <PageHeader
        title="Two-factor sign-in"
        back={user.mustEnrol ? undefined : { href: "/account", label: "Your account" }}
      />
      {user.mustEnrol && (
        <Notice tone="warn" className="mb-4" data-testid="must-enrol">
          Staff accounts must use two-factor sign-in. Switch it on to continue.
        </Notice>
      )}
      <TwoFactorSettings
        email={user.email}
        on={status.on}
        required={status.required}
        remaining={status.remainingRecoveryCodes}
      />
    </Main>
  );
}

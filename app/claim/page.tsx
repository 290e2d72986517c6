import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getCurrentUser, SECURITY_PAGE } from "@/lib/auth/current";
import { isId } from "@/lib/ids";
import { ClaimFlow } from "./claim-flow";

export const metadata: Metadata = { title: "Claim a device" };

export default async function ClaimPage({ searchParams }: { searchParams: Promise<{ replaces?: string }> }) {
  const user = await getCurrentUser();
  // Open signed out (the code waits through sign-in); a staff account that must still switch on
  // two-factor is sent to do that first, as on every other page.
  if (user?.mustEnrol) redirect(SECURITY_PAGE);
  const replaces = (await searchParams).replaces;
  return (
    <main>
      <div className="narrow-wide">
        <h1>Claim a device</h1>
        <ClaimFlow signedIn={!!user} replaces={isId("dev", replaces) ? replaces : null} />
      </div>
    </main>
  );
}

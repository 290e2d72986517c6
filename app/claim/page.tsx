import type { Metadata } from "next";
import { getCurrentUser } from "@/lib/auth/current";
import { ClaimFlow } from "./claim-flow";

export const metadata: Metadata = { title: "Claim a device" };

export default async function ClaimPage({ searchParams }: { searchParams: Promise<{ replaces?: string }> }) {
  const user = await getCurrentUser();
  const replaces = (await searchParams).replaces;
  return (
    <main>
      <div className="narrow-wide">
        <h1>Claim a device</h1>
        <ClaimFlow signedIn={!!user} replaces={typeof replaces === "string" && /^dev_[A-Z2-7]{16}$/.test(replaces) ? replaces : null} />
      </div>
    </main>
  );
}

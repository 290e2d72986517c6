import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { emulatorEnabled } from "@/lib/emulator";
import { Main } from "../_components/ui/main";
import { PageHeader } from "../_components/ui/page-header";
import { Emulator } from "./emulator";

export const metadata: Metadata = { title: "Device emulator" };
export const dynamic = "force-dynamic";

export default function EmulatorPage() {
  if (!emulatorEnabled()) notFound();
  return (
    <Main>
      <div className="mx-auto max-w-xl">
        <PageHeader
          title="Device emulator"
          description="A Claimlink device running in this browser tab. Scan its screen with your phone (signed in to Claimlink), or type the code under its QR on the claim page, to try a claim without hardware."
        />
        <Emulator />
      </div>
    </Main>
  );
}

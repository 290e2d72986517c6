import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { emulatorEnabled } from "@/lib/emulator";
import { Emulator } from "./emulator";

export const metadata: Metadata = { title: "Device emulator" };
export const dynamic = "force-dynamic";

export default function EmulatorPage() {
  if (!emulatorEnabled()) notFound();
  return (
    <main>
      <div className="narrow-wide">
        <h1>Device emulator</h1>
        <p className="muted">
          A Claimlink device running in this browser tab. Scan its screen with your phone (signed in to Claimlink) to
          try a claim without hardware.
        </p>
        <Emulator />
      </div>
    </main>
  );
}

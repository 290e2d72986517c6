import type { Metadata } from "next";
import { AcceptInvitation } from "./accept-invitation";

export const metadata: Metadata = { title: "Accept your invitation" };

export default function InvitePage() {
  return (
    <main>
      <div className="card narrow">
        <h1>Welcome to Claimlink</h1>
        <AcceptInvitation />
      </div>
    </main>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { requireStaffPage } from "@/lib/auth/current";
import { BulkInviteForm } from "./bulk-invite-form";

export const metadata: Metadata = { title: "Invite from CSV" };

/** A page that exists only to change something: support accounts get the ordinary 404. */
export default async function BulkInvitePage() {
  await requireStaffPage("/staff/accounts/bulk-invite", { write: true });
  return (
    <main>
      <p className="small">
        <Link href="/staff/accounts">← Accounts</Link>
      </p>
      <h1>Invite from a CSV file</h1>
      <p>
        One invitation per line: <code>email,name,role</code>. The role is <code>participant</code> (the default when
        left out), <code>staff</code> or <code>support</code> (sees everything staff see, changes nothing). A first line{" "}
        <code>email,name,role</code> is skipped. At most 500 lines.
      </p>
      <BulkInviteForm />
    </main>
  );
}

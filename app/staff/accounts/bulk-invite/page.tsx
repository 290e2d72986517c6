import type { Metadata } from "next";
import { requireStaffPage } from "@/lib/auth/current";
import { studiesOpenForInvitations } from "@/lib/studies/api";
import { Main } from "../../../_components/ui/main";
import { PageHeader } from "../../../_components/ui/page-header";
import { BulkInviteForm } from "./bulk-invite-form";

export const metadata: Metadata = { title: "Invite from CSV" };

/** A page that exists only to change something: support accounts get the ordinary 404. */
export default async function BulkInvitePage() {
  await requireStaffPage("/staff/accounts/bulk-invite", { write: true });
  const studies = await studiesOpenForInvitations();
  return (
    <Main width="console">
      <PageHeader back={{ href: "/staff/accounts", label: "Accounts" }} title="Invite from a CSV file" />
      <div className="max-w-3xl space-y-5">
        <p className="text-sm">
          One invitation per line: <code>email,name,role</code>. The role is <code>participant</code> (the default when
          left out), <code>staff</code>, <code>support</code> (sees everything staff see, changes nothing) or{" "}
          <code>researcher</code>. With a study chosen, every line is a participant invited into it. A first line{" "}
          <code>email,name,role</code> is skipped. At most 500 lines.
        </p>
        <BulkInviteForm studies={studies} />
      </div>
    </Main>
  );
}

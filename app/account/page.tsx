import type { Metadata } from "next";
import Link from "next/link";
import { listMySessions } from "@/lib/accounts/owner-api";
import { requireUserPage } from "@/lib/auth/current";
import { describeUserAgent } from "@/lib/auth/user-agent";
import { myNotices } from "@/lib/devices/owner-api";
import { listMyStudies } from "@/lib/studies/participant-api";
import { Badge } from "../_components/ui/badge";
import { Panel } from "../_components/ui/card";
import { Main } from "../_components/ui/main";
import { PageHeader } from "../_components/ui/page-header";
import { DeleteAccount } from "./delete-account";
import { MyStudies } from "./my-studies";
import { NoticeSettings } from "./notice-settings";
import { NameForm, PasswordForm } from "./profile-forms";
import { SessionList } from "./session-list";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage() {
  const user = await requireUserPage("/account");
  const [{ sessions }, notices, studies] = await Promise.all([
    listMySessions(user),
    myNotices(user),
    listMyStudies(user),
  ]);
  return (
    <Main>
      <PageHeader
        title="Your account"
        badge={user.role !== "participant" ? <Badge tone="accent">{user.role}</Badge> : undefined}
        description={
          <>
            {user.name} · {user.email}
          </>
        }
      />
      <div className="space-y-5">
        {studies.length > 0 && (
          <Panel title="Your studies" id="studies">
            <MyStudies studies={studies} />
          </Panel>
        )}
        <Panel title="Name">
          <NameForm name={user.name} />
        </Panel>
        <Panel title="Password">
          <PasswordForm />
        </Panel>
        <Panel
          title="Two-factor sign-in"
          actions={
            <Link href="/account/security" className="text-sm">
              Manage two-factor sign-in
            </Link>
          }
        >
          <p className="text-sm">
            {user.twoFactor ? (
              <Badge tone="ok" dot>
                On
              </Badge>
            ) : (
              <Badge dot>Off</Badge>
            )}
          </p>
        </Panel>
        <Panel
          title="API tokens"
          actions={
            <Link href="/account/tokens" className="text-sm">
              Manage API tokens
            </Link>
          }
        >
          <p className="text-sm text-muted">
            Let a program, such as a research pipeline or a dashboard, read on your behalf.
          </p>
        </Panel>
        <Panel title="Notices about your devices">
          <NoticeSettings kinds={notices.kinds} mailEnabled={notices.mailEnabled} />
        </Panel>
        <Panel title="Where you are signed in">
          <SessionList
            sessions={sessions.map((s) => ({
              id: s.id,
              browser: describeUserAgent(s.userAgent),
              ip: s.ip,
              lastSeenAt: s.lastSeenAt.toISOString(),
              createdAt: s.createdAt.toISOString(),
              current: s.current,
            }))}
          />
        </Panel>
        <Panel title="Delete my account" id="delete-account">
          <DeleteAccount inStudies={studies.some((s) => !s.withdrawnAt)} />
        </Panel>
      </div>
    </Main>
  );
}

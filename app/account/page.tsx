import type { Metadata } from "next";
import { listMySessions } from "@/lib/accounts/api";
import { requireUserPage } from "@/lib/auth/current";
import { describeUserAgent } from "@/lib/auth/user-agent";
import Link from "next/link";
import { myNotices } from "@/lib/devices/api";
import { NoticeSettings } from "./notice-settings";
import { NameForm, PasswordForm } from "./profile-forms";
import { SessionList } from "./session-list";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage() {
  const user = await requireUserPage("/account");
  const [{ sessions }, notices] = await Promise.all([listMySessions(user), myNotices(user)]);
  return (
    <main>
      <h1>Your account</h1>
      <div className="card">
        <p>
          <strong>{user.name}</strong> <span className="muted">· {user.email}</span>{" "}
          {user.role !== "participant" && <span className={`badge ${user.role}`}>{user.role}</span>}
        </p>
      </div>
      <h2>Name</h2>
      <NameForm name={user.name} />
      <h2>Password</h2>
      <PasswordForm />
      <h2>Two-factor sign-in</h2>
      <div className="card">
        <p>
          {user.twoFactor ? "On." : "Off."} <Link href="/account/security">Manage two-factor sign-in</Link>
        </p>
      </div>
      <h2>Notices about your devices</h2>
      <NoticeSettings kinds={notices.kinds} mailEnabled={notices.mailEnabled} />
      <h2>Where you are signed in</h2>
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
    </main>
  );
}

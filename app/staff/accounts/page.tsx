import type { Metadata } from "next";
import Link from "next/link";
import { pendingInvitations, searchAccounts } from "@/lib/accounts/api";
import { requireStaffPage } from "@/lib/auth/current";
import { canChangeStaffData } from "@/lib/auth/roles";
import { Time } from "../../_components/time";
import { AccountActions } from "./account-actions";
import { InvitationActions } from "./invitation-actions";
import { InviteForm } from "./invite-form";

export const metadata: Metadata = { title: "Accounts" };

export default async function AccountsPage({ searchParams }: { searchParams: Promise<{ q?: string }> }) {
  const me = await requireStaffPage("/staff/accounts");
  const canChange = canChangeStaffData(me.role);
  const q = typeof (await searchParams).q === "string" ? (await searchParams).q!.slice(0, 100) : "";
  const [{ accounts }, { invitations }] = await Promise.all([searchAccounts({ q }), pendingInvitations()]);

  return (
    <main>
      <h1>Accounts</h1>
      {canChange ? (
        <>
          <InviteForm />
          <p className="small">
            <Link href="/staff/accounts/bulk-invite">Invite many from a CSV file</Link>
          </p>
        </>
      ) : (
        <p className="notice" data-testid="read-only">
          Your support account can see everything here and change nothing.
        </p>
      )}

      <h2>Pending invitations</h2>
      {invitations.length === 0 ? (
        <p className="muted">No pending invitations.</p>
      ) : (
        <div className="table-wrap">
          <table data-testid="invitations">
            <thead>
              <tr>
                <th>Email</th>
                <th>Name</th>
                <th>Role</th>
                <th>Expires</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {invitations.map((i) => (
                <tr key={i.id}>
                  <td>{i.email}</td>
                  <td>{i.name}</td>
                  <td>
                    <span className={`badge ${i.role}`}>{i.role}</span>
                  </td>
                  <td>
                    <Time value={i.expiresAt} />
                  </td>
                  <td>{canChange && <InvitationActions id={i.id} email={i.email} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>All accounts</h2>
      <form className="row" role="search" action="/staff/accounts">
        <div>
          <label htmlFor="q">Search by email or name</label>
          <input id="q" name="q" type="search" defaultValue={q} maxLength={100} />
        </div>
        <button type="submit" className="secondary">
          Search
        </button>
      </form>
      {accounts.length === 0 ? (
        <p className="muted">{q ? `No account matches “${q}”.` : "No accounts yet."}</p>
      ) : (
        <div className="table-wrap">
          <table data-testid="accounts">
            <thead>
              <tr>
                <th>Account</th>
                <th>Role</th>
                <th>Status</th>
                <th>Created</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {accounts.map((a) => (
                <tr key={a.id} data-email={a.email}>
                  <td>
                    <strong>{a.name}</strong>
                    <div className="small muted">{a.email}</div>
                    <Link className="small" href={`/staff/audit?account=${a.id}`}>
                      Audit trail
                    </Link>
                  </td>
                  <td>
                    <span className={`badge ${a.role}`}>{a.role}</span>
                  </td>
                  <td>
                    {a.disabledAt ? (
                      <span className="badge disabled">disabled</span>
                    ) : (
                      <span className="badge">active</span>
                    )}
                  </td>
                  <td>
                    <Time value={a.createdAt} />
                  </td>
                  <td>
                    {a.id === me.id ? (
                      <span className="muted small">This is you</span>
                    ) : !canChange ? null : (
                      <AccountActions id={a.id} email={a.email} disabled={a.disabledAt !== null} role={a.role} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}

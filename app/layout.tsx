import { canReadStaffData } from "@/lib/auth/roles";
import type { Metadata, Viewport } from "next";
import Link from "next/link";
import { getCurrentUser } from "@/lib/auth/current";
import { signOutAction } from "./(auth)/actions";
import { SiteMenu } from "./_components/site-menu";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Claimlink", template: "%s · Claimlink" },
  description: "Claim your sensor device by scanning the code on its screen.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const user = await getCurrentUser();
  return (
    <html lang="en">
      <body>
        <header className="site-header">
          <nav aria-label="Main">
            <Link href="/" className="brand">
              Claimlink
            </Link>
            {user ? (
              <SiteMenu>
                <Link href="/devices">Devices</Link>
                {canReadStaffData(user.role) && <Link href="/staff/devices">Fleet</Link>}
                {canReadStaffData(user.role) && <Link href="/staff/accounts">Accounts</Link>}
                {canReadStaffData(user.role) && <Link href="/staff/audit">Audit log</Link>}
                {canReadStaffData(user.role) && <Link href="/staff/models">Models</Link>}
                {canReadStaffData(user.role) && <Link href="/staff/legacy">Legacy nodes</Link>}
                {canReadStaffData(user.role) && <Link href="/staff/keys">Server keys</Link>}
                <Link href="/account">{user.name}</Link>
                <form action={signOutAction}>
                  <button type="submit" className="link">
                    Sign out
                  </button>
                </form>
              </SiteMenu>
            ) : (
              <div className="nav-links">
                <Link href="/sign-in">Sign in</Link>
              </div>
            )}
          </nav>
        </header>
        {children}
        <footer className="site-footer">Claimlink</footer>
      </body>
    </html>
  );
}

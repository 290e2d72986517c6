import type { Metadata, Viewport } from "next";
import Link from "next/link";
import { getCurrentUser } from "@/lib/auth/current";
import { signOutAction } from "./(auth)/actions";
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
              <div className="nav-links">
                <Link href="/devices">Devices</Link>
                {user.role === "staff" && <Link href="/staff/devices">Fleet</Link>}
                {user.role === "staff" && <Link href="/staff/accounts">Accounts</Link>}
                {user.role === "staff" && <Link href="/staff/audit">Audit log</Link>}
                {user.role === "staff" && <Link href="/staff/models">Models</Link>}
                {user.role === "staff" && <Link href="/staff/legacy">Legacy nodes</Link>}
                {user.role === "staff" && <Link href="/staff/keys">Server keys</Link>}
                <Link href="/account">{user.name}</Link>
                <form action={signOutAction}>
                  <button type="submit" className="link">
                    Sign out
                  </button>
                </form>
              </div>
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

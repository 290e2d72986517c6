import Link from "next/link";
import { getCurrentUser } from "@/lib/auth/current";
import { canReadStaffData } from "@/lib/auth/roles";
import { signOutAction } from "../(auth)/actions";
import { ToastProvider } from "../_components/ui/toast";
import { ConsoleShell } from "./console-shell";
import { FirmwareAlarmBanner } from "./firmware-alarm-banner";

const FOOTER_LINK =
  "flex min-h-9 items-center rounded-md px-2 text-sm text-muted no-underline hover:bg-sunken hover:text-fg";

/** The staff console's frame. Anyone else gets each page's ordinary 404 in the ordinary frame. */
export default async function StaffLayout({ children }: { children: React.ReactNode }) {
  const user = await getCurrentUser();
  if (!user || !canReadStaffData(user.role)) return children;
  const footer = (
    <div className="space-y-0.5">
      <div className="px-2 py-1.5">
        <p className="truncate text-sm font-medium" title={user.name}>
          {user.name}
        </p>
        <p className="truncate text-xs text-muted" title={user.email}>
          {user.email} · {user.role}
        </p>
      </div>
      <Link href="/devices" className={FOOTER_LINK}>
        Your devices
      </Link>
      <Link href="/account" className={FOOTER_LINK}>
        Your account
      </Link>
      <form action={signOutAction}>
        <button type="submit" className={`${FOOTER_LINK} w-full cursor-pointer`}>
          Sign out
        </button>
      </form>
    </div>
  );
  return (
    <ToastProvider label="Notifications" closeLabel="Dismiss">
      <ConsoleShell footer={footer} menuLabel="Console menu" closeLabel="Close the menu">
        <FirmwareAlarmBanner />
        {children}
      </ConsoleShell>
    </ToastProvider>
  );
}

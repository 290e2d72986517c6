import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { getCurrentUser } from "@/lib/auth/current";
import { canReadStaffData } from "@/lib/auth/roles";
import { signOutAction } from "../(auth)/actions";
import { ConsoleMessages } from "../_components/console-messages";
import { ToastProvider } from "../_components/ui/toast";
import { ConsoleShell } from "./console-shell";
import { FirmwareAlarmBanner } from "./firmware-alarm-banner";

const FOOTER_LINK =
  "flex min-h-9 items-center rounded-md px-2 text-sm text-muted no-underline hover:bg-sunken hover:text-fg";

/** The staff console's frame. Anyone else gets each page's ordinary 404 in the ordinary frame. */
export default async function StaffLayout({ children }: { children: React.ReactNode }) {
  const user = await getCurrentUser();
  if (!user || !canReadStaffData(user.role)) return children;
  const t = await getTranslations("staffConsole");
  const roles = await getTranslations("account.roles");
  const footer = (
    <div className="space-y-0.5">
      <div className="px-2 py-1.5">
        <p className="truncate text-sm font-medium" title={user.name}>
          {user.name}
        </p>
        <p className="truncate text-xs text-muted" title={user.email}>
          {user.email} · {roles(user.role)}
        </p>
      </div>
      <Link href="/devices" className={FOOTER_LINK}>
        {t("yourDevices")}
      </Link>
      <Link href="/account" className={FOOTER_LINK}>
        {t("yourAccount")}
      </Link>
      <form action={signOutAction}>
        <button type="submit" className={`${FOOTER_LINK} w-full cursor-pointer`}>
          {t("signOut")}
        </button>
      </form>
    </div>
  );
  return (
    <ConsoleMessages>
      <ToastProvider label={t("notifications")} closeLabel={t("dismiss")}>
        <ConsoleShell footer={footer} menuLabel={t("menu")} closeLabel={t("closeMenu")}>
          <FirmwareAlarmBanner />
          {children}
        </ConsoleShell>
      </ToastProvider>
    </ConsoleMessages>
  );
}

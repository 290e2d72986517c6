import { canReadStaffData } from "@/lib/auth/roles";
import type { SessionUser } from "@/lib/auth/session-user";
import { getTranslations } from "next-intl/server";
import { signOutAction } from "../(auth)/actions";
import { Brand } from "./brand";
import { LocaleSwitcher } from "./locale-switcher";
import { NavLink } from "./nav-link";
import { SiteMenu } from "./site-menu";
import { buttonClass } from "./ui/button";
import { cn } from "./ui/cn";

const LINK = "rounded-md px-3 py-2 text-sm font-medium text-muted no-underline hover:bg-sunken hover:text-fg sm:py-1.5";
const CURRENT = "bg-sunken !text-fg";

/** The participant's header: their devices, claiming one, their account; staff also reach the console. */
export async function SiteHeader({ user }: { user: Pick<SessionUser, "name" | "role"> | null }) {
  const t = await getTranslations("header");
  return (
    <header className="border-b border-line bg-surface">
      <nav
        aria-label={t("mainNav")}
        className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-4 gap-y-1 px-4 py-2.5 sm:px-6"
      >
        <div className="me-auto">
          <Brand />
        </div>
        {user ? (
          <SiteMenu label={t("menu")}>
            <NavLink href="/devices" className={LINK} currentClassName={CURRENT}>
              {t("devices")}
            </NavLink>
            <NavLink href="/claim" className={LINK} currentClassName={CURRENT}>
              {t("claim")}
            </NavLink>
            {user.role === "researcher" && (
              <NavLink href="/research" className={LINK} currentClassName={CURRENT}>
                {t("studies")}
              </NavLink>
            )}
            {canReadStaffData(user.role) && (
              <NavLink href="/staff/devices" className={LINK} currentClassName={CURRENT}>
                {t("console")}
              </NavLink>
            )}
            <NavLink href="/account" className={LINK} currentClassName={CURRENT}>
              {user.name}
            </NavLink>
            <form action={signOutAction}>
              <button type="submit" className={cn(LINK, "w-full cursor-pointer text-left")}>
                {t("signOut")}
              </button>
            </form>
            <LocaleSwitcher signedIn className="px-1 sm:ms-2" />
          </SiteMenu>
        ) : (
          <>
            <LocaleSwitcher signedIn={false} />
            <NavLink href="/sign-in" className={buttonClass("secondary", "sm")}>
              {t("signIn")}
            </NavLink>
          </>
        )}
      </nav>
    </header>
  );
}

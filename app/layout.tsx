import { canReadStaffData } from "@/lib/auth/roles";
import type { Metadata, Viewport } from "next";
import { NextIntlClientProvider } from "next-intl";
import { getLocale, getMessages, getTranslations } from "next-intl/server";
import { getCurrentUser } from "@/lib/auth/current";
import { clientMessages } from "./_components/client-messages";
import { HiddenUnder } from "./_components/nav-link";
import { RouteFocus } from "./_components/route-focus";
import { SiteHeader } from "./_components/site-header";
import "./globals.css";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("layout");
  return { title: { default: "Claimlink", template: "%s · Claimlink" }, description: t("description") };
}

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#ffffff" },
    { media: "(prefers-color-scheme: dark)", color: "#16161b" },
  ],
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const user = await getCurrentUser();
  // Staff and support see the console's own navigation under /staff (app/staff/layout.tsx);
  // anyone else there gets the ordinary 404 page, with the ordinary header.
  const console = !!user && canReadStaffData(user.role);
  const [locale, t, messages] = await Promise.all([getLocale(), getTranslations("layout"), getMessages()]);
  return (
    <html lang={locale}>
      <body className="flex flex-col">
        <a
          href="#main"
          className="sr-only z-[100] rounded-md bg-accent px-4 py-2 text-accent-fg no-underline focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
        >
          {t("skipLink")}
        </a>
        <NextIntlClientProvider messages={clientMessages(messages, "everyone")}>
          <RouteFocus />
          <HiddenUnder prefix="/staff" active={console}>
            <SiteHeader user={user} />
          </HiddenUnder>
          {children}
          <HiddenUnder prefix="/staff" active={console}>
            <footer className="px-4 py-6 text-center text-xs text-muted">{t("footer")}</footer>
          </HiddenUnder>
        </NextIntlClientProvider>
      </body>
    </html>
  );
}

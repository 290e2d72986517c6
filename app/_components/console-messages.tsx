import { NextIntlClientProvider } from "next-intl";
import { getMessages } from "next-intl/server";
import { clientMessages } from "./client-messages";

/** The catalog's console namespaces for the client components below (app/_components/client-messages.ts). */
export async function ConsoleMessages({ children }: { children: React.ReactNode }) {
  return (
    <NextIntlClientProvider messages={clientMessages(await getMessages(), "console")}>
      {children}
    </NextIntlClientProvider>
  );
}

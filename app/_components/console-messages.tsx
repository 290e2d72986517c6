import { NextIntlClientProvider } from "next-intl";
import { getMessages } from "next-intl/server";
import { clientMessages } from "./client-messages";

/**
 * The catalog's console namespaces for the client components below (client-messages.ts): all of
 * them, or with `only`, just those beside the namespaces every page carries.
 */
export async function ConsoleMessages({ children, only }: { children: React.ReactNode; only?: readonly string[] }) {
  return (
    <NextIntlClientProvider messages={clientMessages(await getMessages(), only ?? "console")}>
      {children}
    </NextIntlClientProvider>
  );
}

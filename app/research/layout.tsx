import { ConsoleMessages } from "../_components/console-messages";

/** This area's client components read the console's namespaces of the catalog too. */
export default function Layout({ children }: { children: React.ReactNode }) {
  return <ConsoleMessages>{children}</ConsoleMessages>;
}

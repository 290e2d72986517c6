import { ConsoleMessages } from "../_components/console-messages";

/** Open to signed-out visitors too: this page's own namespace of the console's, no more. */
export default function Layout({ children }: { children: React.ReactNode }) {
  return <ConsoleMessages only={["emulator"]}>{children}</ConsoleMessages>;
}

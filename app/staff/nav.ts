/**
 * The console's side navigation, in groups. A new staff page is one line here, its words in the
 * catalogs' `staffConsole.nav` under its icon's name (and one in e2e/pages.ts, the list the
 * accessibility, layout and screenshot tests visit).
 */
export type ConsoleNavItem = { href: string; icon: ConsoleIcon; writeOnly?: boolean };
export type ConsoleIcon =
  "fleet" | "models" | "firmware" | "legacy" | "accounts" | "studies" | "audit" | "keys" | "tokens" | "webhooks";

export const CONSOLE_NAV: { group: "devices" | "people" | "server"; items: ConsoleNavItem[] }[] = [
  {
    group: "devices",
    items: [
      { href: "/staff/devices", icon: "fleet" },
      { href: "/staff/models", icon: "models" },
      { href: "/staff/firmware", icon: "firmware" },
      { href: "/staff/legacy", icon: "legacy" },
    ],
  },
  {
    group: "people",
    items: [
      { href: "/staff/accounts", icon: "accounts" },
      { href: "/staff/studies", icon: "studies" },
      { href: "/staff/audit", icon: "audit" },
      { href: "/staff/tokens", icon: "tokens" },
      { href: "/staff/webhooks", icon: "webhooks" },
    ],
  },
  {
    group: "server",
    items: [{ href: "/staff/keys", icon: "keys" }],
  },
];

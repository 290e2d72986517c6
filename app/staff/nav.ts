/**
 * The console's side navigation, in groups. A new staff page is one line here (and one in
 * e2e/pages.ts, the list the accessibility, layout and screenshot tests visit).
 */
export type ConsoleNavItem = { href: string; label: string; icon: ConsoleIcon; writeOnly?: boolean };
export type ConsoleIcon =
  "fleet" | "models" | "firmware" | "legacy" | "accounts" | "studies" | "audit" | "keys" | "tokens" | "webhooks";

export const CONSOLE_NAV: { label: string; items: ConsoleNavItem[] }[] = [
  {
    label: "Devices",
    items: [
      { href: "/staff/devices", label: "Fleet", icon: "fleet" },
      { href: "/staff/models", label: "Models", icon: "models" },
      { href: "/staff/firmware", label: "Firmware", icon: "firmware" },
      { href: "/staff/legacy", label: "Legacy nodes", icon: "legacy" },
    ],
  },
  {
    label: "People",
    items: [
      { href: "/staff/accounts", label: "Accounts", icon: "accounts" },
      { href: "/staff/studies", label: "Studies", icon: "studies" },
      { href: "/staff/audit", label: "Audit log", icon: "audit" },
      { href: "/staff/tokens", label: "API tokens", icon: "tokens" },
      { href: "/staff/webhooks", label: "Webhooks", icon: "webhooks" },
    ],
  },
  {
    label: "Server",
    items: [{ href: "/staff/keys", label: "Server keys", icon: "keys" }],
  },
];

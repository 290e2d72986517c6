"use client";

import * as Dialog from "@radix-ui/react-dialog";
import {
  ClipboardList,
  Cpu,
  FileClock,
  HardDriveDownload,
  KeyRound,
  KeySquare,
  Layers,
  Menu,
  Radio,
  Users,
  Webhook,
  X,
} from "lucide-react";
import { useTranslations } from "next-intl";
import { usePathname } from "next/navigation";
import { useEffect, useState, type ReactNode } from "react";
import { Brand } from "../_components/brand";
import { isCurrent, NavLink } from "../_components/nav-link";
import { buttonClass } from "../_components/ui/button";
import "../_components/ui/radix-nonce";
import { CONSOLE_NAV, type ConsoleIcon } from "./nav";

const ICONS: Record<ConsoleIcon, typeof Cpu> = {
  fleet: Cpu,
  models: Layers,
  firmware: HardDriveDownload,
  legacy: Radio,
  accounts: Users,
  studies: ClipboardList,
  audit: FileClock,
  keys: KeyRound,
  tokens: KeySquare,
  webhooks: Webhook,
};

function ConsoleNav({ footer }: { footer: ReactNode }) {
  const t = useTranslations("staffConsole");
  return (
    <div className="flex h-full flex-col">
      <div className="px-4 py-4">
        <Brand href="/staff/devices" />
      </div>
      <nav aria-label={t("navLabel")} className="flex-1 overflow-y-auto px-2">
        {CONSOLE_NAV.map((group) => (
          <div key={group.group} className="mb-4">
            <p className="px-2 pb-1 text-xs font-medium text-muted">{t(`groups.${group.group}`)}</p>
            <ul className="space-y-0.5">
              {group.items.map((item) => {
                const Icon = ICONS[item.icon];
                return (
                  <li key={item.href}>
                    <NavLink
                      href={item.href}
                      className="flex min-h-9 items-center gap-2.5 rounded-md px-2 text-sm font-medium text-muted no-underline hover:bg-sunken hover:text-fg"
                      currentClassName="bg-sunken !text-fg"
                    >
                      <Icon aria-hidden="true" className="size-4 shrink-0" />
                      {t(`nav.${item.icon}`)}
                    </NavLink>
                  </li>
                );
              })}
            </ul>
          </div>
        ))}
      </nav>
      <div className="border-t border-line p-2">{footer}</div>
    </div>
  );
}

/**
 * The staff console: a side navigation on a wide screen; on a narrower one a top bar whose menu
 * button opens the same navigation in a drawer (Radix Dialog: focus trapped, Escape closes).
 */
export function ConsoleShell({
  footer,
  menuLabel,
  closeLabel,
  children,
}: {
  footer: ReactNode;
  menuLabel: string;
  closeLabel: string;
  children: ReactNode;
}) {
  const t = useTranslations("staffConsole");
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  useEffect(() => {
    queueMicrotask(() => setOpen(false));
  }, [pathname]);
  const item = CONSOLE_NAV.flatMap((g) => g.items).find((i) => isCurrent(pathname, i.href));
  const current = item && { label: t(`nav.${item.icon}`) };
  return (
    <div className="flex min-h-dvh flex-1 lg:grid lg:grid-cols-[15rem_minmax(0,1fr)]">
      <aside className="sticky top-0 hidden h-dvh border-r border-line bg-surface lg:block">
        <ConsoleNav footer={footer} />
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <div className="sticky top-0 z-30 flex items-center gap-3 border-b border-line bg-surface/95 px-4 py-2 backdrop-blur lg:hidden">
          <Dialog.Root open={open} onOpenChange={setOpen}>
            <Dialog.Trigger className={buttonClass("ghost", "sm", "!px-2")} aria-label={menuLabel}>
              <Menu aria-hidden="true" className="size-5" />
            </Dialog.Trigger>
            <Dialog.Portal>
              <Dialog.Overlay className="fixed inset-0 z-40 bg-black/40" />
              <Dialog.Content className="fixed inset-y-0 left-0 z-50 w-72 max-w-[85vw] border-r border-line bg-surface shadow-xl focus:outline-none">
                <Dialog.Title className="sr-only">{menuLabel}</Dialog.Title>
                <Dialog.Description className="sr-only">{current?.label ?? menuLabel}</Dialog.Description>
                <Dialog.Close
                  className={buttonClass("ghost", "sm", "absolute top-3 right-2 !px-2")}
                  aria-label={closeLabel}
                >
                  <X aria-hidden="true" className="size-5" />
                </Dialog.Close>
                <ConsoleNav footer={footer} />
              </Dialog.Content>
            </Dialog.Portal>
          </Dialog.Root>
          <Brand href="/staff/devices" />
          {current && <span className="truncate text-sm text-muted">/ {current.label}</span>}
        </div>
        {children}
      </div>
    </div>
  );
}

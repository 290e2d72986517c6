"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { cn } from "./ui/cn";

/** Whether `href` is the current page or a page under it (the device page under "Devices"). */
export function isCurrent(pathname: string, href: string, exact = false): boolean {
  return pathname === href || (!exact && pathname.startsWith(`${href}/`));
}

/** A navigation link that marks the current page (aria-current="page"), for sight and for screen readers. */
export function NavLink({
  href,
  exact,
  className,
  currentClassName,
  children,
}: {
  href: string;
  exact?: boolean;
  className?: string;
  currentClassName?: string;
  children: ReactNode;
}) {
  const current = isCurrent(usePathname(), href, exact);
  return (
    <Link
      href={href}
      aria-current={current ? "page" : undefined}
      className={cn(className, current && currentClassName)}
    >
      {children}
    </Link>
  );
}

/** Shows its children everywhere but under `prefix` (the staff console draws its own navigation). */
export function HiddenUnder({ prefix, active, children }: { prefix: string; active: boolean; children: ReactNode }) {
  const pathname = usePathname();
  if (active && isCurrent(pathname, prefix)) return null;
  return <>{children}</>;
}

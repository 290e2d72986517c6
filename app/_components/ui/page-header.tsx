import { ChevronLeft } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";
import { cn } from "./cn";

/**
 * A page's title (its one h1; focus moves here after navigating, app/_components/route-focus.tsx),
 * a line under it, its main actions, and a way back.
 */
export function PageHeader({
  title,
  description,
  actions,
  back,
  badge,
  className,
  titleTestId,
}: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  back?: { href: string; label: string };
  badge?: ReactNode;
  className?: string;
  titleTestId?: string;
}) {
  return (
    <header className={cn("mb-6", className)}>
      {back && (
        <Link
          href={back.href}
          className="mb-2 inline-flex items-center gap-1 text-sm text-muted no-underline hover:text-fg"
        >
          <ChevronLeft aria-hidden="true" className="size-4" />
          {back.label}
        </Link>
      )}
      <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-3">
        <div className="min-w-0 flex-1 basis-64">
          <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <h1
              tabIndex={-1}
              className="min-w-0 text-2xl font-semibold tracking-tight break-words outline-none"
              data-testid={titleTestId}
            >
              {title}
            </h1>
            {badge}
          </div>
          {description && <div className="mt-1 text-sm text-muted">{description}</div>}
        </div>
        {actions && <div className="flex flex-wrap items-center gap-2">{actions}</div>}
      </div>
    </header>
  );
}

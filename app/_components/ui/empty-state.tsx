import type { ReactNode } from "react";
import { cn } from "./cn";

/** What a list shows when it has nothing yet: what will appear here, and how to get there. */
export function EmptyState({
  title,
  children,
  action,
  icon,
  level = 2,
  className,
  ...props
}: {
  title: ReactNode;
  children?: ReactNode;
  action?: ReactNode;
  icon?: ReactNode;
  level?: 2 | 3;
  className?: string;
  "data-testid"?: string;
}) {
  const Heading = level === 2 ? "h2" : "h3";
  return (
    <div
      className={cn(
        "flex flex-col items-center rounded-lg border border-dashed border-line-strong bg-surface px-6 py-10 text-center",
        className,
      )}
      {...props}
    >
      {icon && <div className="mb-3 text-muted">{icon}</div>}
      <Heading className="text-base font-semibold">{title}</Heading>
      {children && <div className="mt-1 max-w-prose text-sm text-muted">{children}</div>}
      {action && <div className="mt-4 flex flex-wrap justify-center gap-2">{action}</div>}
    </div>
  );
}

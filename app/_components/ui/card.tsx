import type { ComponentProps, ReactNode } from "react";
import { cn } from "./cn";

export function Card({ className, ...props }: ComponentProps<"section">) {
  return <section className={cn("rounded-lg border border-line bg-surface shadow-xs", className)} {...props} />;
}

/**
 * A card with a heading, an optional description and actions on the right. `level` keeps the
 * page's heading order (h2 under the page's h1 by default).
 */
export function Panel({
  title,
  description,
  actions,
  level = 2,
  id,
  className,
  bodyClassName,
  children,
  ...rest
}: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  level?: 2 | 3;
  id?: string;
  className?: string;
  bodyClassName?: string;
  children?: ReactNode;
} & Omit<ComponentProps<"section">, "title">) {
  const Heading = level === 2 ? "h2" : "h3";
  const headingId = id ? `${id}-title` : undefined;
  return (
    <Card className={className} aria-labelledby={headingId} id={id} {...rest}>
      <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-2 px-4 pt-4 sm:px-5">
        <div className="min-w-0">
          <Heading id={headingId} className="text-base font-semibold text-fg">
            {title}
          </Heading>
          {description && <p className="mt-0.5 text-sm text-muted">{description}</p>}
        </div>
        {actions && <div className="flex flex-wrap gap-2">{actions}</div>}
      </div>
      <div className={cn("px-4 pt-3 pb-4 sm:px-5", bodyClassName)}>{children}</div>
    </Card>
  );
}

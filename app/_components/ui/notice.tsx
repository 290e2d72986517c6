import type { ComponentProps, ReactNode } from "react";
import { cn } from "./cn";
import type { Tone } from "./badge";

const TONES: Record<Exclude<Tone, "neutral">, string> = {
  accent: "border-accent/25 bg-accent-soft text-fg",
  ok: "border-ok/30 bg-ok-soft text-fg",
  warn: "border-warn/30 bg-warn-soft text-fg",
  danger: "border-danger/30 bg-danger-soft text-fg",
};
const BARS: Record<Exclude<Tone, "neutral">, string> = {
  accent: "bg-accent",
  ok: "bg-ok",
  warn: "bg-warn",
  danger: "bg-danger",
};

/**
 * A message in the flow of the page: information, success, a warning or an error. The caller
 * chooses the live-region role (an error the person just caused: role="alert").
 */
export function Notice({
  tone = "accent",
  title,
  actions,
  className,
  children,
  ...props
}: Omit<ComponentProps<"div">, "title"> & { tone?: Exclude<Tone, "neutral">; title?: ReactNode; actions?: ReactNode }) {
  return (
    <div
      className={cn(
        "relative flex gap-3 overflow-hidden rounded-md border py-3 ps-4 pe-3 text-sm",
        TONES[tone],
        className,
      )}
      {...props}
    >
      <span aria-hidden="true" className={cn("absolute inset-y-0 start-0 w-1", BARS[tone])} />
      <div className="min-w-0 flex-1 space-y-1">
        {title && <p className="font-semibold">{title}</p>}
        {children && <div className="[&>p+p]:mt-1.5">{children}</div>}
        {actions && <div className="flex flex-wrap gap-2 pt-2">{actions}</div>}
      </div>
    </div>
  );
}

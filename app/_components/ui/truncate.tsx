import type { ReactNode } from "react";
import { cn } from "./cn";

/**
 * One line of a long value (an id, an email, a key) cut with an ellipsis where there is no
 * room, never broken letter by letter; the full value is its title (shown on hover) and stays
 * whole for copying and for screen readers.
 */
export function Truncate({
  value,
  mono = false,
  className,
  children,
}: {
  value: string;
  mono?: boolean;
  className?: string;
  children?: ReactNode;
}) {
  return (
    <span
      title={value}
      className={cn("block max-w-full min-w-0 truncate", mono && "font-mono text-[0.9em]", className)}
    >
      {children ?? value}
    </span>
  );
}

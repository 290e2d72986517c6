import type { ReactNode } from "react";
import { cn } from "./cn";

const WIDTHS = {
  narrow: "max-w-md",
  default: "max-w-3xl",
  wide: "max-w-5xl",
  console: "max-w-7xl",
} as const;

/**
 * A page's <main>: the skip link's target (#main), focusable so focus can land on it, at one
 * of four widths (a form, a participant's page, a device's page, the staff console).
 */
export function Main({
  width = "default",
  className,
  children,
}: {
  width?: keyof typeof WIDTHS;
  className?: string;
  children: ReactNode;
}) {
  return (
    <main
      id="main"
      tabIndex={-1}
      className={cn(
        "mx-auto w-full min-w-0 flex-1 px-4 pt-6 pb-16 outline-none sm:px-6 sm:pt-8",
        WIDTHS[width],
        className,
      )}
    >
      {children}
    </main>
  );
}

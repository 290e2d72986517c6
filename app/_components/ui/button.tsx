import Link from "next/link";
import type { ComponentProps } from "react";
import { cn } from "./cn";

export type ButtonVariant = "primary" | "secondary" | "ghost" | "danger" | "danger-outline";
export type ButtonSize = "sm" | "md";

const VARIANTS: Record<ButtonVariant, string> = {
  primary: "bg-accent text-accent-fg hover:bg-accent-hover border-transparent shadow-xs",
  secondary: "bg-surface text-fg border-line-strong hover:bg-sunken shadow-xs",
  ghost: "bg-transparent text-fg border-transparent hover:bg-sunken",
  danger: "bg-danger text-white hover:bg-danger-hover border-transparent shadow-xs dark:text-page",
  "danger-outline": "bg-surface text-danger-text border-line-strong hover:bg-danger-soft shadow-xs",
};
const SIZES: Record<ButtonSize, string> = {
  sm: "min-h-8 px-3 text-sm gap-1.5",
  md: "min-h-10 px-4 text-sm gap-2",
};

/**
 * The class of a button, for <button>, <a> and next/link alike. Text never breaks inside a
 * word; a long label wraps between words.
 */
export function buttonClass(variant: ButtonVariant = "primary", size: ButtonSize = "md", className?: string) {
  return cn(
    "inline-flex shrink-0 items-center justify-center rounded-md border font-medium no-underline transition-colors",
    "text-center leading-tight break-normal cursor-pointer select-none",
    "disabled:cursor-not-allowed disabled:opacity-60 aria-disabled:cursor-not-allowed aria-disabled:opacity-60",
    VARIANTS[variant],
    SIZES[size],
    className,
  );
}

type Common = { variant?: ButtonVariant; size?: ButtonSize };

export function Button({ variant, size, className, type = "button", ...props }: ComponentProps<"button"> & Common) {
  return <button type={type} className={buttonClass(variant, size, className)} {...props} />;
}

/** A link that looks like a button (navigation, not an action). */
export function ButtonLink({ variant, size, className, ...props }: ComponentProps<typeof Link> & Common) {
  return <Link className={buttonClass(variant, size, className)} {...props} />;
}

/** A plain <a> that looks like a button: downloads and links Next must not prefetch. */
export function ButtonAnchor({ variant, size, className, ...props }: ComponentProps<"a"> & Common) {
  return <a className={buttonClass(variant, size, className)} {...props} />;
}

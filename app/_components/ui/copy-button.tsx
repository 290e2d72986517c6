"use client";

import { Check, Copy } from "lucide-react";
import { useEffect, useState } from "react";
import { buttonClass, type ButtonSize, type ButtonVariant } from "./button";

/**
 * Copies `value` to the clipboard. `label` names the button ("Copy link"); with `iconOnly` it
 * is the accessible name of an icon button. After copying, `copiedLabel` is shown and announced.
 */
export function CopyButton({
  value,
  label,
  copiedLabel,
  iconOnly = false,
  variant = "secondary",
  size = "sm",
  className,
  ...props
}: {
  value: string;
  label: string;
  copiedLabel: string;
  iconOnly?: boolean;
  variant?: ButtonVariant;
  size?: ButtonSize;
  className?: string;
  "data-testid"?: string;
}) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(t);
  }, [copied]);
  const Icon = copied ? Check : Copy;
  return (
    <button
      type="button"
      className={buttonClass(variant, size, iconOnly ? `${className ?? ""} !px-2` : className)}
      aria-label={iconOnly ? label : undefined}
      title={iconOnly ? label : undefined}
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(value);
        } catch {
          // No clipboard (an insecure origin): select nothing, but still say what to do.
          window.prompt(label, value);
          return;
        }
        setCopied(true);
      }}
      {...props}
    >
      <Icon aria-hidden="true" className="size-4" />
      {!iconOnly && <span>{copied ? copiedLabel : label}</span>}
      <span role="status" className="sr-only">
        {copied ? copiedLabel : ""}
      </span>
    </button>
  );
}

"use client";

import { cn } from "./cn";

/** A choice of a few options shown side by side (a chart's range): buttons with aria-pressed. */
export function Segmented<V extends string>({
  value,
  options,
  onChange,
  label,
}: {
  value: V;
  options: readonly (readonly [V, string])[];
  onChange: (v: V) => void;
  label: string;
}) {
  return (
    <div role="group" aria-label={label} className="inline-flex rounded-md border border-line-strong bg-sunken p-0.5">
      {options.map(([v, text]) => (
        <button
          key={v}
          type="button"
          aria-pressed={value === v}
          onClick={() => onChange(v)}
          className={cn(
            "min-h-8 cursor-pointer rounded-[5px] px-3 text-sm font-medium whitespace-nowrap text-muted",
            "hover:text-fg aria-pressed:bg-surface aria-pressed:text-fg aria-pressed:shadow-xs",
          )}
        >
          {text}
        </button>
      ))}
    </div>
  );
}

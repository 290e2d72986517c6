"use client";

import * as RadixTabs from "@radix-ui/react-tabs";
import type { ReactNode } from "react";
import { cn } from "./cn";

export type Tab = { value: string; label: ReactNode; content: ReactNode; "data-testid"?: string };

/**
 * Sections of a page one at a time (Radix Tabs: arrow keys move between tabs). The tab list
 * scrolls sideways on its own when the labels do not fit, never the page.
 */
export function Tabs({
  tabs,
  defaultValue,
  label,
  className,
}: {
  tabs: Tab[];
  defaultValue?: string;
  /** What the tabs are about, for screen readers. */
  label: string;
  className?: string;
}) {
  return (
    <RadixTabs.Root defaultValue={defaultValue ?? tabs[0]?.value} className={className}>
      <RadixTabs.List aria-label={label} className="-mx-1 flex gap-1 overflow-x-auto border-b border-line px-1">
        {tabs.map((t) => (
          <RadixTabs.Trigger
            key={t.value}
            value={t.value}
            className={cn(
              "-mb-px min-h-10 shrink-0 cursor-pointer border-b-2 border-transparent px-3 text-sm font-medium whitespace-nowrap text-muted",
              "hover:text-fg data-[state=active]:border-accent data-[state=active]:text-fg",
            )}
          >
            {t.label}
          </RadixTabs.Trigger>
        ))}
      </RadixTabs.List>
      {tabs.map((t) => (
        <RadixTabs.Content
          key={t.value}
          value={t.value}
          className="pt-5 focus-visible:outline-offset-4"
          data-testid={t["data-testid"]}
        >
          {t.content}
        </RadixTabs.Content>
      ))}
    </RadixTabs.Root>
  );
}

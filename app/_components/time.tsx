"use client";

import { useSyncExternalStore } from "react";
import { useLocale } from "next-intl";
import { intlLocale, isLocale } from "@/lib/i18n/locales";
import { DISPLAY_LOCALE } from "./format";

const subscribe = () => () => {};
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

/**
 * The viewer's time zone. The server renders in UTC (it cannot know the zone); the browser
 * re-renders in its own at once after hydration, so every time on a page, and its charts, are
 * in one zone: the viewer's.
 */
export function useTimeZone(): string {
  return useSyncExternalStore(subscribe, browserZone, () => "UTC");
}

export function formatTime(
  value: Date | string | number,
  timeZone: string,
  withYear = true,
  locale: string = DISPLAY_LOCALE,
): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    ...(withYear ? { year: "numeric" } : {}),
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(new Date(value));
}

/** A timestamp in the viewer's time zone, with the exact instant (UTC) in its title and dateTime. */
export function Time({ value, never = "never" }: { value: Date | string | null; never?: string }) {
  const zone = useTimeZone();
  const locale = useLocale();
  if (!value) return <span className="text-muted">{never}</span>;
  const d = new Date(value);
  return (
    <time dateTime={d.toISOString()} title={d.toISOString()} className="whitespace-nowrap">
      {formatTime(d, zone, true, intlLocale(isLocale(locale) ? locale : "en"))}
    </time>
  );
}

/** Names the zone the page's times are in ("Times in Europe/Amsterdam"). */
export function TimeZoneNote({ prefix }: { prefix: string }) {
  const zone = useTimeZone();
  return (
    <span className="text-xs text-muted" data-testid="time-zone">
      {prefix} {zone.replace(/_/g, " ")}
    </span>
  );
}

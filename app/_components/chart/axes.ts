/** The chart's ranges, in seconds (the series API's `range` values). */
export const RANGE_SECONDS = { "24h": 86_400, "7d": 7 * 86_400, "30d": 30 * 86_400 } as const;
export type ChartRange = keyof typeof RANGE_SECONDS;

/**
 * The x axis is the chosen range, whatever the data covers: from `range` before the end to the
 * end, which is now, or the release of a released device (its history stops there). Seconds.
 */
export function chartWindow(range: ChartRange, nowMs: number, releasedAt?: string | Date | null): [number, number] {
  const end = Math.floor(Math.min(nowMs, releasedAt ? new Date(releasedAt).getTime() : Infinity) / 1000);
  return [end - RANGE_SECONDS[range], end];
}

/**
 * Decimals for the y axis' labels at a tick step: enough that no two ticks read the same
 * ("20.1 °C" three times was a step of 0.02 shown with one decimal), at most 3.
 */
export function tickDecimals(step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) return 0;
  return Math.min(3, Math.max(0, Math.ceil(-Math.log10(step) - 1e-9)));
}

/** The y axis' width in CSS pixels for its longest label, so "1,000 ppm" is never clipped. */
export function yAxisWidth(labels: string[], charWidth = 7.2, padding = 18): number {
  const longest = labels.reduce((n, l) => Math.max(n, l.length), 0);
  return Math.ceil(longest * charWidth + padding);
}

/** Fewer than two readings in the range draw no line: the chart says it is collecting data. */
export function readingsIn(series: {
  points: [number, number][];
  secret?: [number, number][];
  unverified: [number, number][];
}): number {
  return new Set([...series.points, ...(series.secret ?? []), ...series.unverified].map(([t]) => t)).size;
}

/**
 * The x axis' labels in the reader's locale and the viewer's time zone (uPlot's own are US
 * English: "2pm", "12/6/26"): 24-hour times, with the day under the first tick and under each
 * tick that starts a new day; only days when the ticks are a day or more apart. Ticks in seconds.
 */
export function timeTicks(ticks: number[], step: number, timeZone: string, locale: string): string[] {
  const time = new Intl.DateTimeFormat(locale, { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const day = new Intl.DateTimeFormat(locale, { timeZone, day: "numeric", month: "short" });
  if (step >= 86_400) return ticks.map((t) => day.format(t * 1000));
  let previous = "";
  return ticks.map((t) => {
    const d = day.format(t * 1000);
    const label = d === previous ? time.format(t * 1000) : `${time.format(t * 1000)}\n${d}`;
    previous = d;
    return label;
  });
}

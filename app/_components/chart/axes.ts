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

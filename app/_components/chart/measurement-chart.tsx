"use client";

import { useLocale, useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { intlLocale, isLocale } from "@/lib/i18n/locales";
import "uplot/dist/uPlot.min.css";
import { api } from "../api";
import { formatValue, propertyLabel, unitLabel } from "../format";
import { formatTime, TimeZoneNote, useTimeZone } from "../time";
import { Badge } from "../ui/badge";
import { Segmented } from "../ui/segmented";
import { chartWindow, readingsIn, tickDecimals, timeTicks, yAxisWidth, type ChartRange } from "./axes";

type Series = {
  property: string;
  unit: string | null;
  /** Signed by a Claimlink device: a solid line. */
  points: [number, number][];
  /** From a legacy node that presented its issued secret: a dotted line in the same colour. */
  secret: [number, number][];
  /** From a legacy node known by hardware id only: dashed, in another colour. */
  unverified: [number, number][];
};

const RANGES: readonly ChartRange[] = ["24h", "7d", "30d"];
const HEIGHT = 200;
/** Where the chart will be, while fewer than two readings make a line. */
const COLLECTING_BOX =
  "mt-2 flex h-24 flex-col items-center justify-center rounded-md border border-dashed border-line-strong px-4 text-center text-sm text-muted";

/** One x axis over the three levels of trust, each line null where it has no value. */
function aligned(s: Series): [number[], (number | null)[], (number | null)[], (number | null)[]] {
  const lines = [s.points, s.secret, s.unverified].map((l) => new Map(l));
  const xs = [...new Set(lines.flatMap((l) => [...l.keys()]))].sort((a, b) => a - b);
  const [signed, secret, none] = lines.map((l) => xs.map((x) => l.get(x) ?? null));
  return [xs, signed, secret, none];
}

const cssVar = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** The chart's words and number format in the reader's language. */
type Words = { label: string; secret: string; unverified: string; locale: string };

function Plot({
  s,
  window: [from, to],
  zone,
  words,
}: {
  s: Series;
  window: [number, number];
  zone: string;
  words: Words;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let chart: { destroy(): void; setSize(s: { width: number; height: number }): void } | null = null;
    let cancelled = false;
    const observer = new ResizeObserver(() => chart?.setSize({ width: el.clientWidth, height: HEIGHT }));
    void import("uplot").then(({ default: UPlot }) => {
      if (cancelled) return;
      const grid = { stroke: cssVar("--chart-grid"), width: 1 };
      const label = (v: number, step: number) => formatValue(v, s.unit, tickDecimals(step), words.locale);
      chart = new UPlot(
        {
          width: el.clientWidth,
          height: HEIGHT,
          legend: { show: false },
          cursor: { drag: { x: false, y: false } },
          // The whole chosen range, in the viewer's time zone (named under the charts).
          tzDate: (ts: number) => UPlot.tzDate(new Date(ts * 1000), zone),
          scales: { x: { time: true, range: () => [from, to] } },
          series: [
            {},
            { stroke: cssVar("--chart-1"), width: 2, label: words.label, spanGaps: false },
            {
              stroke: cssVar("--chart-1"),
              width: 2,
              dash: [2, 3],
              label: words.secret,
            },
            {
              stroke: cssVar("--chart-2"),
              width: 2,
              dash: [6, 4],
              label: words.unverified,
            },
          ],
          axes: [
            {
              stroke: cssVar("--muted"),
              grid,
              ticks: grid,
              values: (_u: unknown, ticks: number[], _i: number, _space: number, step: number) =>
                timeTicks(ticks, step, zone, words.locale),
            },
            {
              stroke: cssVar("--muted"),
              grid,
              ticks: grid,
              values: (_u: unknown, ticks: number[], _i: number, _space: number, step: number) =>
                ticks.map((t) => label(t, step)),
              size: (_u: unknown, values: string[] | null) => yAxisWidth(values ?? []),
            },
          ],
        },
        aligned(s),
        el,
      );
      observer.observe(el);
    });
    return () => {
      cancelled = true;
      observer.disconnect();
      chart?.destroy();
    };
  }, [s, from, to, zone, words]);
  return <div ref={ref} className="chart min-h-[200px] w-full" aria-hidden="true" />;
}

/**
 * Measurements over 24 h / 7 d / 30 d, one chart per property, the x axis always the chosen
 * range in the viewer's time zone. Under two readings in the range it says it is collecting
 * data instead of drawing a line. Each chart has a text summary for screen readers.
 */
export function MeasurementChart({
  deviceId,
  seriesPath,
  releasedAt,
}: {
  deviceId: string;
  seriesPath?: string;
  releasedAt?: string | null;
}) {
  const zone = useTimeZone();
  const t = useTranslations("charts");
  const appLocale = useLocale();
  const locale = intlLocale(isLocale(appLocale) ? appLocale : "en");
  const names = t.raw("properties") as Record<string, string>;
  const [range, setRange] = useState<ChartRange>("24h");
  const [state, setState] = useState<{ loading: boolean; series: Series[]; error: string | null; at: number }>({
    loading: true,
    series: [],
    error: null,
    at: 0,
  });
  useEffect(() => {
    let stale = false;
    api<{ series: Series[] }>(`${seriesPath ?? `/api/v1/devices/${deviceId}/series`}?range=${range}`)
      .then((r) => !stale && setState({ loading: false, series: r.series, error: null, at: Date.now() }))
      .catch(() => !stale && setState({ loading: false, series: [], error: "failed", at: Date.now() }));
    return () => {
      stale = true;
    };
  }, [deviceId, range, seriesPath]);
  // `at`: when the series was fetched (the range ends then); no chart is drawn before.
  const window = chartWindow(range, state.at, releasedAt);
  return (
    <div data-testid="chart">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <Segmented
          label={t("range")}
          value={range}
          options={RANGES.map((r) => [r, t(`ranges.${r}`)] as const)}
          onChange={(v) => (setState((s) => ({ ...s, loading: true })), setRange(v))}
        />
        <TimeZoneNote prefix={t("timesIn")} />
      </div>
      <div aria-live="polite" className="mt-3">
        {state.loading && <p className="text-sm text-muted">{t("loading")}</p>}
        {state.error && <p className="text-sm text-danger-text">{t("failed")}</p>}
        {!state.loading && !state.error && state.series.length === 0 && (
          <p className="text-sm text-muted">{t("none")}</p>
        )}
      </div>
      {state.series.some((s) => s.secret.length > 0) && (
        <p className="mt-2 flex items-center gap-2 text-xs text-muted" data-testid="secret-note">
          <span
            aria-hidden="true"
            className="inline-block w-6 border-t-2 border-dotted"
            style={{ borderColor: "var(--chart-1)" }}
          />
          {t("dotted")}
        </p>
      )}
      {state.series.some((s) => s.unverified.length > 0) && (
        <p className="mt-2 flex items-center gap-2 text-xs text-muted" data-testid="unverified-note">
          <span aria-hidden="true" className="inline-block w-6 border-t-2 border-dashed border-warn" />
          {t("dashed")}
        </p>
      )}
      <div className="mt-2 space-y-5">
        {state.series.map((s) => {
          const count = readingsIn(s);
          const last = [...s.points, ...s.secret, ...s.unverified].sort((a, b) => b[0] - a[0])[0];
          const name = propertyLabel(s.property, names);
          return (
            <figure key={s.property} className="m-0">
              <figcaption className="flex flex-wrap items-center gap-2 text-sm font-medium">
                {name}
                {s.unit && <span className="text-xs font-normal text-muted">{unitLabel(s.unit)}</span>}
                {s.secret.length > 0 && (
                  <Badge tone="neutral" data-testid="secret-badge">
                    {s.points.length === 0 && s.unverified.length === 0 ? t("secret") : t("partlySecret")}
                  </Badge>
                )}
                {s.unverified.length > 0 && (
                  <Badge tone="warn" data-testid="unverified-badge">
                    {s.points.length === 0 && s.secret.length === 0 ? t("unverified") : t("partlyUnverified")}
                  </Badge>
                )}
              </figcaption>
              {count < 2 ? (
                <div className={COLLECTING_BOX} data-testid="collecting">
                  <p className="font-medium text-fg">{t("collecting")}</p>
                  <p>
                    {count === 1 && last
                      ? t("oneReading", {
                          value: formatValue(last[1], s.unit, undefined, locale),
                          time: formatTime(last[0] * 1000, zone, false, locale),
                        })
                      : t("startsWithSecond")}
                  </p>
                </div>
              ) : (
                <>
                  <Plot
                    s={s}
                    window={window}
                    zone={zone}
                    words={{
                      label: name,
                      secret: t("lineSecret", { name }),
                      unverified: t("lineUnverified", { name }),
                      locale,
                    }}
                  />
                  <p className="sr-only">
                    {t("summary", {
                      count,
                      value: last ? formatValue(last[1], s.unit, undefined, locale) : "",
                      time: last ? formatTime(last[0] * 1000, zone, true, locale) : "",
                    })}
                  </p>
                </>
              )}
            </figure>
          );
        })}
      </div>
    </div>
  );
}

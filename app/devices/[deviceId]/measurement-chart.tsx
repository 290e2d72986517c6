"use client";

import { useEffect, useRef, useState } from "react";
import "uplot/dist/uPlot.min.css";
import { api } from "../../_components/api";
import { formatValue, propertyLabel } from "../../_components/format";

type Series = {
  property: string;
  unit: string | null;
  points: [number, number][];
  /** Readings a legacy node sent unsigned: drawn dashed and lighter. */
  unverified: [number, number][];
};

/** One x axis over both kinds of reading, each line null where it has no value. */
function aligned(s: Series): [number[], (number | null)[], (number | null)[]] {
  const verified = new Map(s.points);
  const unverified = new Map(s.unverified);
  const xs = [...new Set([...verified.keys(), ...unverified.keys()])].sort((a, b) => a - b);
  return [xs, xs.map((x) => verified.get(x) ?? null), xs.map((x) => unverified.get(x) ?? null)];
}
const RANGES = [
  ["24h", "24 hours"],
  ["7d", "7 days"],
  ["30d", "30 days"],
] as const;

function Plot({ s }: { s: Series }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let chart: { destroy(): void; setSize(s: { width: number; height: number }): void } | null = null;
    let cancelled = false;
    const observer = new ResizeObserver(() => chart?.setSize({ width: el.clientWidth, height: 200 }));
    void import("uplot").then(({ default: UPlot }) => {
      if (cancelled) return;
      chart = new UPlot(
        {
          width: el.clientWidth,
          height: 200,
          legend: { show: false },
          series: [
            {},
            { stroke: "#1f5f8b", width: 2, label: propertyLabel(s.property) },
            { stroke: "#b0612a", width: 2, dash: [6, 4], label: `${propertyLabel(s.property)} (unverified)` },
          ],
          axes: [{}, { values: (_u: unknown, ticks: number[]) => ticks.map((t) => formatValue(t, s.unit)), size: 70 }],
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
  }, [s]);
  return <div ref={ref} className="chart" />;
}

/** Measurements over 24 h / 7 d / 30 d, one small chart per property. */
export function MeasurementChart({ deviceId, seriesPath }: { deviceId: string; seriesPath?: string }) {
  const [range, setRange] = useState<(typeof RANGES)[number][0]>("24h");
  const [state, setState] = useState<{ loading: boolean; series: Series[]; error: string | null }>({
    loading: true,
    series: [],
    error: null,
  });
  useEffect(() => {
    let stale = false;
    api<{ series: Series[] }>(`${seriesPath ?? `/api/v1/devices/${deviceId}/series`}?range=${range}`)
      .then((r) => !stale && setState({ loading: false, series: r.series, error: null }))
      .catch((err: Error) => !stale && setState({ loading: false, series: [], error: err.message }));
    return () => {
      stale = true;
    };
  }, [deviceId, range, seriesPath]);
  return (
    <div data-testid="chart">
      <div className="segmented" role="group" aria-label="Time range">
        {RANGES.map(([value, label]) => (
          <button
            key={value}
            type="button"
            aria-pressed={range === value}
            onClick={() => (setState((s) => ({ ...s, loading: true })), setRange(value))}
          >
            {label}
          </button>
        ))}
      </div>
      {state.loading && <p className="muted small">Loading measurements…</p>}
      {state.error && <p className="notice error">{state.error}</p>}
      {!state.loading && !state.error && state.series.length === 0 && (
        <p className="muted">No measurements in this period.</p>
      )}
      {state.series.some((s) => s.unverified.length > 0) && (
        <p className="small muted" data-testid="unverified-note">
          <span className="legend-unverified" aria-hidden="true" /> Dashed orange: unverified readings, sent unsigned by
          a legacy node before its upgrade (anyone who knew its hardware id could have sent them).
        </p>
      )}
      {state.series.map((s) => (
        <div key={s.property}>
          <p className="chart-title">
            {propertyLabel(s.property)}
            {s.unverified.length > 0 && (
              <span className="badge" data-testid="unverified-badge">
                {s.points.length === 0 ? "unverified" : "partly unverified"}
              </span>
            )}
          </p>
          <Plot s={s} />
        </div>
      ))}
    </div>
  );
}

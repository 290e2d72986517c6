"use client";

import { useEffect, useRef } from "react";
import "uplot/dist/uPlot.min.css";

export type CompletenessDay = { day: string; received: number; expected: number };

const HEIGHT = 180;
const cssVar = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** Readings received against readings expected per UTC day, as a uPlot line chart (values as a table for screen readers). */
export function CompletenessChart({ days }: { days: CompletenessDay[] }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || days.length === 0) return;
    let chart: { destroy(): void; setSize(s: { width: number; height: number }): void } | null = null;
    let cancelled = false;
    const observer = new ResizeObserver(() => chart?.setSize({ width: el.clientWidth, height: HEIGHT }));
    void import("uplot").then(({ default: UPlot }) => {
      if (cancelled) return;
      const xs = days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000);
      const pct = days.map((d) =>
        d.expected ? Math.min(100, Math.round((d.received / d.expected) * 1000) / 10) : null,
      );
      const grid = { stroke: cssVar("--chart-grid"), width: 1 };
      chart = new UPlot(
        {
          width: el.clientWidth,
          height: HEIGHT,
          legend: { show: false },
          cursor: { drag: { x: false, y: false } },
          tzDate: (ts: number) => UPlot.tzDate(new Date(ts * 1000), "UTC"),
          scales: { x: { time: true }, y: { range: [0, 100] } },
          series: [{}, { stroke: cssVar("--chart-1"), width: 2, label: "complete (%)", points: { show: true } }],
          axes: [
            { grid, stroke: cssVar("--muted") },
            { grid, stroke: cssVar("--muted"), values: (_u, v) => v.map((n) => `${n}%`), size: 48 },
          ],
        },
        [xs, pct],
        el,
      );
      observer.observe(el);
    });
    return () => {
      cancelled = true;
      observer.disconnect();
      chart?.destroy();
    };
  }, [days]);
  if (days.length === 0) return <p className="text-sm text-muted">No days to show yet.</p>;
  const total = days.reduce((a, d) => ({ r: a.r + d.received, e: a.e + d.expected }), { r: 0, e: 0 });
  return (
    <figure className="m-0 space-y-2" data-testid="completeness">
      <div ref={ref} className="w-full min-w-0" aria-hidden="true" />
      <figcaption className="text-sm text-muted">
        {total.r} readings received of {total.e} expected over {days.length} day{days.length === 1 ? "" : "s"} (UTC).
      </figcaption>
      <details className="text-sm">
        <summary className="cursor-pointer text-muted">Per day</summary>
        <table className="mt-2 w-full max-w-md text-left tabular-nums">
          <thead>
            <tr>
              <th className="py-1 font-medium">Day</th>
              <th className="py-1 font-medium">Received</th>
              <th className="py-1 font-medium">Expected</th>
            </tr>
          </thead>
          <tbody>
            {days.map((d) => (
              <tr key={d.day}>
                <td className="py-0.5">{d.day}</td>
                <td className="py-0.5">{d.received}</td>
                <td className="py-0.5">{d.expected}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

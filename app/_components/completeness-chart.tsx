"use client";

import { useLocale, useTranslations } from "next-intl";
import { useEffect, useRef } from "react";
import { intlLocale, isLocale } from "@/lib/i18n/locales";
import "uplot/dist/uPlot.min.css";

export type CompletenessDay = { day: string; received: number; expected: number };

const HEIGHT = 180;
const cssVar = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** Readings received and readings expected per UTC day, as a uPlot line chart (the values also as a table). */
export function CompletenessChart({ days }: { days: CompletenessDay[] }) {
  const t = useTranslations("charts.completeness");
  const appLocale = useLocale();
  const number = new Intl.NumberFormat(intlLocale(isLocale(appLocale) ? appLocale : "en"));
  const received = t("received");
  const expected = t("expected");
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
      const grid = { stroke: cssVar("--chart-grid"), width: 1 };
      chart = new UPlot(
        {
          width: el.clientWidth,
          height: HEIGHT,
          legend: { show: false },
          cursor: { drag: { x: false, y: false } },
          tzDate: (ts: number) => UPlot.tzDate(new Date(ts * 1000), "UTC"),
          scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
          series: [
            {},
            { stroke: cssVar("--chart-1"), width: 2, label: received, points: { show: days.length < 60 } },
            { stroke: cssVar("--chart-2"), width: 1.5, dash: [6, 4], label: expected, points: { show: false } },
          ],
          axes: [
            { grid, stroke: cssVar("--muted") },
            { grid, stroke: cssVar("--muted"), size: 56 },
          ],
        },
        [xs, days.map((d) => d.received), days.map((d) => d.expected)],
        el,
      );
      observer.observe(el);
    });
    return () => {
      cancelled = true;
      observer.disconnect();
      chart?.destroy();
    };
  }, [days, received, expected]);
  if (days.length === 0) return <p className="text-sm text-muted">{t("none")}</p>;
  const total = days.reduce((a, d) => ({ r: a.r + d.received, e: a.e + d.expected }), { r: 0, e: 0 });
  return (
    <figure className="m-0 space-y-2" data-testid="completeness">
      <div ref={ref} className="w-full min-w-0" aria-hidden="true" />
      <p className="flex flex-wrap gap-x-4 text-xs text-muted" aria-hidden="true">
        <span>
          <span className="me-1 inline-block h-0.5 w-4 bg-[var(--chart-1)] align-middle" />
          {received}
        </span>
        <span>
          <span className="me-1 inline-block h-0 w-4 border-t-2 border-dashed border-[var(--chart-2)] align-middle" />
          {expected}
        </span>
      </p>
      <figcaption className="text-sm text-muted">
        {t("summary", { received: total.r, expected: total.e, days: days.length })}
      </figcaption>
      <details className="text-sm">
        <summary className="cursor-pointer text-muted">{t("perDay")}</summary>
        <table className="mt-2 w-full max-w-md text-left tabular-nums">
          <thead>
            <tr>
              <th className="py-1 font-medium">{t("day")}</th>
              <th className="py-1 font-medium">{t("receivedColumn")}</th>
              <th className="py-1 font-medium">{t("expectedColumn")}</th>
            </tr>
          </thead>
          <tbody>
            {days.map((d) => (
              <tr key={d.day}>
                <td className="py-0.5">{d.day}</td>
                <td className="py-0.5">{number.format(d.received)}</td>
                <td className="py-0.5">{number.format(d.expected)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

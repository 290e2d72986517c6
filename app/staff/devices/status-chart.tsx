import { useTranslations } from "next-intl";
import type { FleetSummary } from "@/lib/devices/fleet-summary";

const ORDER = ["online", "offline", "revoked", "lost", "released", "legacy"] as const;

/** A small bar chart of the counts by status, with the numbers as text for screen readers. */
export function StatusChart({ byStatus }: { byStatus: FleetSummary["byStatus"] }) {
  const t = useTranslations("staffDevices.chart");
  const max = Math.max(1, ...ORDER.map((s) => byStatus[s]));
  const width = 300;
  const labelWidth = 90;
  return (
    <figure className="m-0">
      <svg
        role="img"
        aria-labelledby="status-chart-title"
        viewBox={`0 0 ${width} ${ORDER.length * 26}`}
        width="100%"
        className="max-w-[300px] text-fg"
      >
        <title id="status-chart-title">{ORDER.map((s) => `${byStatus[s]} ${t(s)}`).join(", ")}</title>
        {ORDER.map((s, i) => {
          const w = Math.round((byStatus[s] / max) * (width - labelWidth - 60));
          return (
            <g key={s} transform={`translate(0 ${i * 26})`}>
              <text x="0" y="16" fill="currentColor" fontSize="12">
                {t(s)}
              </text>
              <rect
                fill={`var(--status-${s})`}
                x={labelWidth}
                y="4"
                width={Math.max(w, byStatus[s] ? 2 : 0)}
                height="16"
                rx="2"
              />
              <text x={labelWidth + 6 + w} y="16" fill="currentColor" fontSize="12">
                {byStatus[s]}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

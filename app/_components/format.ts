/** The locale times and numbers are shown in (one place, for the Dutch translation to come). */
export const DISPLAY_LOCALE = "en-GB";

const UNITS: Record<string, string> = { Cel: "°C", "%": "%", ppm: "ppm", hPa: "hPa", lx: "lx", W: "W", kWh: "kWh" };
const LABELS: Record<string, string> = { temperature: "Temperature", relative_humidity: "Humidity", co2: "CO₂" };

export function propertyLabel(property: string): string {
  return LABELS[property] ?? property.replace(/[_.-]+/g, " ").replace(/^./, (c) => c.toUpperCase());
}

export function unitLabel(unit: string | null): string {
  return unit ? (UNITS[unit] ?? unit) : "";
}

/** A value with its unit; `digits` defaults to what suits its size (0 from 100 up, else 1). */
export function formatValue(value: number, unit: string | null, digits?: number): string {
  const d = digits ?? (Math.abs(value) >= 100 ? 0 : 1);
  const u = unitLabel(unit);
  const number = value.toLocaleString(DISPLAY_LOCALE, { minimumFractionDigits: d, maximumFractionDigits: d });
  return `${number}${u === "%" || u === "°C" ? "" : " "}${u}`.trim();
}

/** "just now", "5 min ago", "3 h ago", "2 days ago", or "never". */
export function ago(value: Date | string | null, now = Date.now()): string {
  if (!value) return "never";
  const s = Math.max(0, Math.round((now - new Date(value).getTime()) / 1000));
  if (s < 60) return "just now";
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  const d = Math.floor(s / 86_400);
  return `${d} day${d === 1 ? "" : "s"} ago`;
}

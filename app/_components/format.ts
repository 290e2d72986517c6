/** The locale times and numbers are shown in where a page does not pass the reader's own. */
export const DISPLAY_LOCALE = "en-GB";

const UNITS: Record<string, string> = { Cel: "°C", "%": "%", ppm: "ppm", hPa: "hPa", lx: "lx", W: "W", kWh: "kWh" };
const LABELS: Record<string, string> = { temperature: "Temperature", relative_humidity: "Humidity", co2: "CO₂" };

/**
 * A property's name: `names` holds the reader's words for the known ones (the `charts.properties`
 * catalog entries); any other property is shown by its own words ("wind_speed" → "Wind speed").
 */
export function propertyLabel(property: string, names: Record<string, string> = LABELS): string {
  return names[property] ?? property.replace(/[_.-]+/g, " ").replace(/^./, (c) => c.toUpperCase());
}

export function unitLabel(unit: string | null): string {
  return unit ? (UNITS[unit] ?? unit) : "";
}

/**
 * A value with its unit in the reader's locale ("21.5°C" in en-GB, "21,5 °C" in nl-NL, as each
 * language writes it); `digits` defaults to what suits its size (0 from 100 up, else 1).
 */
export function formatValue(value: number, unit: string | null, digits?: number, locale = DISPLAY_LOCALE): string {
  const d = digits ?? (Math.abs(value) >= 100 ? 0 : 1);
  const u = unitLabel(unit);
  const number = value.toLocaleString(locale, { minimumFractionDigits: d, maximumFractionDigits: d });
  const tight = u === "%" || (u === "°C" && !locale.startsWith("nl"));
  return `${number}${tight ? "" : " "}${u}`.trim();
}

/** How long ago, in the largest whole unit: what `ago` and the catalogs' `ago.*` messages show. */
export function agoParts(
  value: Date | string | null,
  now = Date.now(),
): { unit: "never" | "now" | "minutes" | "hours" | "days"; n: number } {
  if (!value) return { unit: "never", n: 0 };
  const s = Math.max(0, Math.round((now - new Date(value).getTime()) / 1000));
  if (s < 60) return { unit: "now", n: 0 };
  if (s < 3600) return { unit: "minutes", n: Math.floor(s / 60) };
  if (s < 86_400) return { unit: "hours", n: Math.floor(s / 3600) };
  return { unit: "days", n: Math.floor(s / 86_400) };
}

/** "just now", "5 min ago", "3 h ago", "2 days ago", or "never" (English; pages in the catalogs use `ago.*`). */
export function ago(value: Date | string | null, now = Date.now()): string {
  const { unit, n } = agoParts(value, now);
  if (unit === "never") return "never";
  if (unit === "now") return "just now";
  if (unit === "minutes") return `${n} min ago`;
  if (unit === "hours") return `${n} h ago`;
  return `${n} day${n === 1 ? "" : "s"} ago`;
}

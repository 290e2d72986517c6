/** A timestamp in UTC, readable and stable between server and client rendering. */
export function Time({ value }: { value: Date | string | null }) {
  if (!value) return <span className="muted">never</span>;
  const d = new Date(value);
  const text = d.toISOString().replace("T", " ").slice(0, 16) + " UTC";
  return <time dateTime={d.toISOString()}>{text}</time>;
}

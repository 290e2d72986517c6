/** A user's search text as an ILIKE "contains" pattern, with %, _ and \ taken literally. */
export function containsPattern(q: string | undefined): string | undefined {
  return q ? `%${q.replace(/[\\%_]/g, (c) => "\\" + c)}%` : undefined;
}

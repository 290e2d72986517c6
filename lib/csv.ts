// CSV as RFC 4180 (CRLF, quotes doubled), safe to open in a spreadsheet: a cell that starts
// with = + - @ (or a tab or carriage return) is prefixed with ' so it is never read as a
// formula (OWASP "CSV injection"); numbers stay numbers. Times are ISO 8601 in UTC. Every
// CSV Claimlink writes goes through here and lib/http/csv.ts.

/** Spreadsheets (Excel above all) read a CSV file as UTF-8 only when it starts with a byte-order mark. */
export const CSV_BOM = "\uFEFF";

export type CsvValue = string | number | boolean | Date | null | undefined;

export function csvCell(v: CsvValue): string {
  if (v === null || v === undefined) return "";
  // A number is never read as a formula: -3.5 stays a number a spreadsheet can add up.
  if (typeof v === "number") return String(v);
  let s = v instanceof Date ? v.toISOString() : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n']/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: CsvValue[]): string {
  return cells.map(csvCell).join(",") + "\r\n";
}

/** The CSV of a header and rows produced page by page, as chunks of text. */
export async function* csvChunks<T>(header: string[], pages: AsyncIterable<T[]>, row: (r: T) => CsvValue[]) {
  yield csvLine(header);
  for await (const page of pages) {
    if (page.length) yield page.map((r) => csvLine(row(r))).join("");
  }
}

/**
 * The cells of one CSV line (RFC 4180 quoting: double quotes around a cell, "" for a quote inside
 * one; a quoted cell may not span lines), each trimmed. Null when a quote is not closed or stands
 * where it may not (inside an unquoted cell, or text after a closing quote).
 */
export function parseCsvLine(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = "";
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return null;
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i++];
      }
      if (i < line.length && line[i] !== ",") return null;
    } else {
      const end = line.indexOf(",", i);
      field = end === -1 ? line.slice(i) : line.slice(i, end);
      i = end === -1 ? line.length : end;
      if (field.includes('"')) return null;
    }
    out.push(field.trim());
    if (i >= line.length) return out;
    i++; // the comma
  }
}

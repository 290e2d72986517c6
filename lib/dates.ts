import { z } from "zod";

// Every date and time the API takes is read by these schemas, so every one has the same bounds.
// PostgreSQL refuses year 0000 and a year past 9999 written in ISO text (what a JavaScript Date
// past 9999 becomes), and no Claimlink record predates 2000: a value outside the bounds is a
// 400 naming the field, never a query that fails with a 500.

/** The earliest instant the API takes, 2000-01-01T00:00:00Z (as for measurement times). */
export const EARLIEST_DATE_MS = Date.UTC(2000, 0, 1);
/** The latest instant the API takes, the last millisecond of 9999 (UTC). */
export const LATEST_DATE_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const BOUNDS_MESSAGE = "must be between 2000-01-01 and 9999-12-31";

const inBounds = (d: Date) =>
  !Number.isNaN(d.getTime()) && d.getTime() >= EARLIEST_DATE_MS && d.getTime() <= LATEST_DATE_MS;

/** A day as `YYYY-MM-DD` that exists in the calendar, within the bounds; stays text. */
export const utcDaySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a day as YYYY-MM-DD")
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, "is not a day in the calendar")
  .refine((s) => inBounds(new Date(`${s}T00:00:00Z`)), BOUNDS_MESSAGE);

/** A day (`2026-11-24`, midnight UTC) or an RFC 3339 time with its offset, as a Date within the bounds. */
export const instantSchema = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], "must be a date (2026-11-23) or an RFC 3339 time")
  .transform((s) => new Date(s.length === 10 ? `${s}T00:00:00Z` : s))
  .refine(inBounds, BOUNDS_MESSAGE);

/** `instantSchema` for a query string or a form field: trimmed, bounded in length, empty meaning "not given". */
export const optionalInstantSchema = z
  .string()
  .trim()
  .max(40, "must be at most 40 characters")
  .transform((s) => s || undefined)
  .pipe(instantSchema.optional())
  .optional();

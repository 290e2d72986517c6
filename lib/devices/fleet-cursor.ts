import { z } from "zod";
import { AppError } from "../errors/app-error";

// The fleet list's keyset cursor: the last row's sort key (as text) and its device id, in
// base64url JSON. A cursor the server did not issue is refused, never trusted as SQL input.

export type Cursor = { k: string; id: string };

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.k, c.id]), "utf8").toString("base64url");
}

const cursorSchema = z.tuple([
  z
    .string()
    .max(300)
    .refine((s) => !s.includes("\0")),
  z.string().regex(/^dev_[A-Z2-7]{16}$/),
]);

export function decodeCursor(raw: string, type: "timestamptz" | "text"): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    parsed = null;
  }
  const r = cursorSchema.safeParse(parsed);
  if (!r.success || (type === "timestamptz" && !/^-?\d{1,16}$/.test(r.data[0])))
    throw new AppError("invalid_request", "The cursor is not valid: start again from the first page.");
  return { k: r.data[0], id: r.data[1] };
}

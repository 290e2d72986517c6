import { eq } from "drizzle-orm";
import { z } from "zod";
import type { SessionUser } from "../auth/session-user";
import { appDatabase } from "../db/client";
import { users } from "../db/schema";
import { parseOrThrow } from "../errors/validate";
import { LOCALES } from "./locales";

export const localeChoiceSchema = z.strictObject({
  locale: z.enum(LOCALES, `must be one of ${LOCALES.join(", ")}`),
});

/** Saves the language a person chose, so every browser they sign in with, and their mail, uses it. */
export async function setMyLocale(user: SessionUser, body: unknown): Promise<{ locale: "nl" | "en" }> {
  const { locale } = parseOrThrow(localeChoiceSchema, body);
  const { db } = await appDatabase();
  await db.update(users).set({ locale, updatedAt: new Date() }).where(eq(users.id, user.id));
  return { locale };
}

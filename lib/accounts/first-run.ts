import { and, eq, isNull } from "drizzle-orm";
import { getDb, type Db } from "../db/client";
import { users } from "../db/schema";
import { env } from "../env";

/** What the start banner tells an operator (scripts/start.mjs): whether a staff account exists yet. */
export type FirstRunStatus = { hasStaff: boolean; emulator: boolean; staffTwoFactor: boolean };

export const FIRST_RUN = Symbol.for("claimlink.first-run");

/**
 * Whether anyone can sign in to the console yet (a staff account that is not disabled), and
 * what a first sign-in and a first claim will meet: two-factor enrolment, the /emulator page.
 */
export async function firstRunStatus(db?: Db): Promise<FirstRunStatus> {
  const d = db ?? (await getDb());
  const [row] = await d
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, "staff"), isNull(users.disabledAt)))
    .limit(1);
  return { hasStaff: !!row, emulator: env().emulatorEnabled, staffTwoFactor: env().staffTwoFactorRequired };
}

/** Lets the server around Next ask (it cannot import the app's modules), as the direct routes do. */
export function registerFirstRunStatus(): void {
  (globalThis as Record<symbol, unknown>)[FIRST_RUN] = () => firstRunStatus();
}

import { and, asc, eq, gt, isNotNull } from "drizzle-orm";
import { open, seal, sealedKeyId, UnopenableSealError, type Keyring } from "../crypto/seal";
import type { Db } from "../db/client";
import { claims, deviceCredentials, studies } from "../db/schema";

// `npm run cli -- keys reseal`: every sealed value re-sealed under the keyring's current key,
// so an old key can then be removed from CLAIMLINK_SECRET_KEY. Each row is rewritten only if it
// still holds what was read (a conditional UPDATE), so it is safe while the app runs.

export type ResealReport = { resealed: number; alreadyCurrent: number; unopenable: number };

const PAGE = 500;

type SealedRow = { id: string; sealed: string | null };

async function resealAll(
  ring: Keyring,
  report: ResealReport,
  page: (after: string) => Promise<SealedRow[]>,
  write: (id: string, from: string, to: string) => Promise<void>,
  associatedData: (id: string) => string = (id) => id,
) {
  let after = "";
  for (;;) {
    const rows = await page(after);
    if (rows.length === 0) return;
    for (const { id, sealed } of rows) {
      if (!sealed) continue;
      if (sealedKeyId(sealed) === ring.current.id) {
        report.alreadyCurrent++;
        continue;
      }
      let plain: Buffer;
      try {
        plain = open(ring, sealed, associatedData(id));
      } catch (err) {
        if (!(err instanceof UnopenableSealError)) throw err;
        report.unopenable++;
        continue;
      }
      await write(id, sealed, seal(ring, plain, associatedData(id)));
      report.resealed++;
    }
    after = rows[rows.length - 1].id;
  }
}

/** Re-seals device credentials, open claims' PoPs and studies' pseudonym keys under `ring.current`; counts what it did. */
export async function resealSecrets(db: Db, ring: Keyring): Promise<ResealReport> {
  const report: ResealReport = { resealed: 0, alreadyCurrent: 0, unopenable: 0 };
  await resealAll(
    ring,
    report,
    (after) =>
      db
        .select({ id: deviceCredentials.id, sealed: deviceCredentials.secretSealed })
        .from(deviceCredentials)
        .where(gt(deviceCredentials.id, after))
        .orderBy(asc(deviceCredentials.id))
        .limit(PAGE),
    async (id, from, to) => {
      await db
        .update(deviceCredentials)
        .set({ secretSealed: to })
        .where(and(eq(deviceCredentials.id, id), eq(deviceCredentials.secretSealed, from)));
    },
  );
  await resealAll(
    ring,
    report,
    (after) =>
      db
        .select({ id: claims.id, sealed: claims.popSealed })
        .from(claims)
        .where(and(gt(claims.id, after), isNotNull(claims.popSealed)))
        .orderBy(asc(claims.id))
        .limit(PAGE),
    async (id, from, to) => {
      await db
        .update(claims)
        .set({ popSealed: to })
        .where(and(eq(claims.id, id), eq(claims.popSealed, from)));
    },
  );
  await resealAll(
    ring,
    report,
    (after) =>
      db
        .select({ id: studies.id, sealed: studies.pseudonymKeySealed })
        .from(studies)
        .where(gt(studies.id, after))
        .orderBy(asc(studies.id))
        .limit(PAGE),
    async (id, from, to) => {
      await db
        .update(studies)
        .set({ pseudonymKeySealed: to })
        .where(and(eq(studies.id, id), eq(studies.pseudonymKeySealed, from)));
    },
    (id) => `study-key:${id}`,
  );
  return report;
}

import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { keyringOf, seal, sealedKeyId } from "../crypto/seal";
import type { Database } from "../db/client";
import { deviceCredentials } from "../db/schema";
import { loadCredential } from "../devices/credentials";
import { claimTestDevice, insertAccount, testConfig } from "../provisioning/test-fixtures";
import { resealSecrets } from "./reseal";
import { withTestDatabase } from "../test-helpers";

let database: Database;
withTestDatabase((d) => {
  database = d;
});

describe("keys reseal", () => {
  it("re-seals every credential under the new key, so the old key can be dropped", async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const cfg = testConfig({ secretKey: keyringOf([oldKey]) });
    const owner = await insertAccount(database.db, "reseal");
    const dev = await claimTestDevice(database, cfg, owner);
    const lost = await claimTestDevice(database, cfg, owner);
    await database.db
      .update(deviceCredentials)
      .set({ secretSealed: seal(randomBytes(32), lost.secret, lost.credentialId) })
      .where(eq(deviceCredentials.id, lost.credentialId));

    const ring = keyringOf([newKey, oldKey]);
    const first = await resealSecrets(database.db, ring);
    expect(first.resealed).toBeGreaterThanOrEqual(1);
    expect(first.unopenable).toBeGreaterThanOrEqual(1); // the lost one (and other tests' rows) stay as they are

    const [row] = await database.db.select().from(deviceCredentials).where(eq(deviceCredentials.id, dev.credentialId));
    expect(sealedKeyId(row.secretSealed)).toBe(ring.current.id);
    const loaded = await loadCredential(database.db, keyringOf([newKey]), dev.credentialId);
    expect(loaded?.secret).toEqual(dev.secret);

    const again = await resealSecrets(database.db, ring);
    expect(again.resealed).toBe(0);
    expect(again.alreadyCurrent).toBeGreaterThanOrEqual(1);
  });
});

-- A released device's credential is revoked with the release. Devices released before that rule
-- may still hold a live credential: revoke it now, so a board given away cannot keep signing
-- into its former owner's record.
UPDATE "device_credentials" SET "revoked_at" = now(), "revoked_reason" = 'released'
WHERE "revoked_at" IS NULL
  AND "device_id" IN (SELECT "id" FROM "devices" WHERE "released_at" IS NOT NULL);

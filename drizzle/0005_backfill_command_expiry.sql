-- Commands queued before expiry existed got `now() + 24 hours` from 0003's column default; give
-- them what docs/protocol.md section 4 says instead: their own issue time + COMMAND_TTL's
-- default, so an old pending command (a months-old reprovision) is not delivered after all.
UPDATE "device_commands" SET "expires_at" = "issued_at" + interval '24 hours' WHERE "status" = 'pending';

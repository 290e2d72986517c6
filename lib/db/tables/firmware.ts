import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { bytea, ts } from "./columns";
import { deviceModels } from "./models";

// Firmware images (docs/protocol.md section 7, docs/decisions/0023-firmware-images-in-the-database.md).
// An image is signed offline by a firmware key; the server keeps the bytes, the signature and
// the key id it verified, and serves the bytes by their SHA-256.

/** One uploaded image: immutable once stored, except that staff may yank it (no new command or rollout uses it). */
export const firmwareImages = pgTable(
  "firmware_images",
  {
    sha256: text("sha256").primaryKey(), // hex, lower case: the image's name on the wire
    model: text("model")
      .notNull()
      .references(() => deviceModels.model),
    version: text("version").notNull(), // section 7 grammar
    size: integer("size").notNull(),
    kid: text("kid").notNull(), // firmwareKid of the key the signature verified under
    sig: text("sig").notNull(), // firmwareSig, b64url r || s (64 bytes)
    notes: text("notes").notNull().default(""),
    uploadedBy: text("uploaded_by").references(() => users.id),
    uploadedAt: ts("uploaded_at").notNull().defaultNow(),
    yankedAt: ts("yanked_at"),
    yankedBy: text("yanked_by").references(() => users.id),
  },
  (t) => [
    uniqueIndex("firmware_images_model_version_key").on(t.model, t.version),
    index("firmware_images_model_idx").on(t.model, t.uploadedAt),
    check("firmware_images_sha256_hex", sql`${t.sha256} ~ '^[0-9a-f]{64}$'`),
    check("firmware_images_size_positive", sql`${t.size} > 0`),
  ],
);

/** An image's bytes in order: chunk `seq` holds bytes [seq × FIRMWARE_CHUNK_BYTES, …). */
export const firmwareChunks = pgTable(
  "firmware_chunks",
  {
    sha256: text("sha256")
      .notNull()
      .references(() => firmwareImages.sha256, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    data: bytea("data").notNull(),
  },
  (t) => [primaryKey({ columns: [t.sha256, t.seq] }), check("firmware_chunks_seq_nonnegative", sql`${t.seq} >= 0`)],
);

export type FirmwareImageRow = typeof firmwareImages.$inferSelect;

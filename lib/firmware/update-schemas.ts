import { z } from "zod";

// What staff send to update one device (lib/firmware/send-update.ts).

export const sendUpdateSchema = z.strictObject({
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be the image's SHA-256, 64 lower-case hex digits"),
  expiresInDays: z.number().int().min(1, "must be at least 1").max(30, "must be at most 30 (section 7)"),
});
export type SendUpdateInput = z.infer<typeof sendUpdateSchema>;

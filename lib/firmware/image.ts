import type { FirmwareImageRow } from "../db/schema";

/** A stored firmware image as the use cases hand it out (without the uploader). */
export type FirmwareImage = {
  sha256: string;
  model: string;
  version: string;
  size: number;
  kid: string;
  sig: string;
  notes: string;
  uploadedAt: Date;
  yankedAt: Date | null;
};

export const toFirmwareImage = (r: FirmwareImageRow): FirmwareImage => ({
  sha256: r.sha256,
  model: r.model,
  version: r.version,
  size: r.size,
  kid: r.kid,
  sig: r.sig,
  notes: r.notes,
  uploadedAt: r.uploadedAt,
  yankedAt: r.yankedAt,
});

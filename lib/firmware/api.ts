import { asc } from "drizzle-orm";
import { recordRefusal, type Actor } from "../audit/record";
import { appDatabase } from "../db/client";
import { deviceModels, firmwareImages } from "../db/schema";
import { AppError } from "../errors/app-error";
import { readBodyCapped } from "../http/request";
import { firmwareConfig } from "./config";
import { firmwareDownload } from "./download";
import { toFirmwareImage, type FirmwareImage } from "./image";
import { uploadFirmwareImage } from "./upload-image";
import { yankFirmwareImage } from "./yank-image";

// The firmware use cases as the routes and the staff page call them.

/** Room for the multipart framing and the text fields around the image. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

export type FirmwareImageView = Omit<FirmwareImage, "uploadedAt" | "yankedAt"> & {
  uploadedAt: string;
  yankedAt: string | null;
};

const view = (i: FirmwareImage): FirmwareImageView => ({
  ...i,
  uploadedAt: i.uploadedAt.toISOString(),
  yankedAt: i.yankedAt?.toISOString() ?? null,
});

/** Every registered model with its images (newest first), and whether uploads can be checked at all. */
export async function firmwareForStaff(model?: string) {
  const { db } = await appDatabase();
  const [models, images] = await Promise.all([
    db.select({ model: deviceModels.model, displayName: deviceModels.displayName }).from(deviceModels).orderBy(asc(deviceModels.model)),
    db.select().from(firmwareImages),
  ]);
  const cfg = firmwareConfig();
  const byModel = new Map<string, FirmwareImageView[]>();
  for (const row of images.sort((a, b) => b.uploadedAt.getTime() - a.uploadedAt.getTime()))
    byModel.set(row.model, [...(byModel.get(row.model) ?? []), view(toFirmwareImage(row))]);
  return {
    keys: cfg.keys,
    maxBytes: cfg.maxBytes,
    models: models.filter((m) => !model || m.model === model).map((m) => ({ ...m, images: byModel.get(m.model) ?? [] })),
  };
}

/** The multipart body of an upload, read with a cap: the image past the cap is `firmware_too_large`. */
async function readUploadForm(req: Request, maxBytes: number): Promise<FormData> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\b/i.test(type))
    throw new AppError("unsupported_media_type", "Send the image as multipart/form-data (fields model, version, sig, notes, image).");
  const cap = maxBytes + FORM_OVERHEAD_BYTES;
  const tooLarge = () => new AppError("firmware_too_large", `This server takes images of at most ${maxBytes} bytes.`);
  const body = await readBodyCapped(req, cap, tooLarge);
  try {
    return await new Response(body as Uint8Array<ArrayBuffer>, { headers: { "content-type": type } }).formData();
  } catch {
    throw new AppError("invalid_request", "The body is not valid multipart/form-data.");
  }
}

const field = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === "string" ? v : undefined;
};

/** POST /staff/firmware: the image and its metadata from a form; refusals audited (the body's own too). */
export async function uploadFirmwareRequest(actor: Actor, req: Request): Promise<FirmwareImageView> {
  const cfg = firmwareConfig();
  const { db } = await appDatabase();
  let form: FormData;
  try {
    form = await readUploadForm(req, cfg.maxBytes);
  } catch (err) {
    if (err instanceof AppError)
      await recordRefusal(db, actor, { action: "firmware.upload_refused", code: err.code, detail: { stage: "body" } });
    throw err;
  }
  const file = form.get("image");
  const image = file instanceof Blob ? new Uint8Array(await file.arrayBuffer()) : new Uint8Array(0);
  const input = {
    model: field(form, "model") ?? "",
    version: field(form, "version") ?? "",
    sig: field(form, "sig") ?? "",
    notes: (field(form, "notes") ?? "").replace(/\r\n/g, "\n"),
    image,
  };
  return view(await uploadFirmwareImage(db, actor, input, cfg));
}

export async function yankFirmwareRequest(actor: Actor, sha256: string): Promise<FirmwareImageView> {
  const { db } = await appDatabase();
  return view(await yankFirmwareImage(db, actor, sha256));
}

export async function downloadFirmwareRequest(sha256: string, req: Request): Promise<Response> {
  const { db } = await appDatabase();
  return firmwareDownload(db, sha256, req);
}

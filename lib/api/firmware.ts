import { z } from "zod";
import { downloadFirmwareRequest } from "../firmware/api";
import type { Area } from "./define";

// Firmware images for devices (docs/protocol.md section 7): public, since the signature, not
// the transport, makes an image trustworthy; a mirror or CDN may serve the same bytes.

export const firmware: Area = {
  tag: "firmware",
  description: "Firmware images by SHA-256, for devices acting on an update_firmware command.",
  routes: [
    {
      method: "GET",
      path: "/firmware/{sha256}",
      guard: "public",
      summary: "A firmware image (also HEAD; Range for resuming)",
      description:
        "`ETag` is the quoted SHA-256, `Cache-Control: public, max-age=31536000, immutable`. `Range: bytes=a-b`, `a-` or `-n` " +
        "gives 206 with `Content-Range`; a range past the end 416 with `Content-Range: bytes */<size>`; a matching " +
        "`If-None-Match` 304. A yanked image is still served (devices already told to fetch it).",
      params: z.object({ sha256: z.string().describe("hex, lower case") }),
      answers: {
        200: { description: "The whole image.", type: "application/octet-stream" },
        206: { description: "The requested bytes.", type: "application/octet-stream" },
        304: { description: "Not modified." },
      },
      errors: ["firmware_not_found", "range_not_satisfiable"],
      handle: async ({ req, params }) => downloadFirmwareRequest(params.sha256, req),
    },
  ],
};

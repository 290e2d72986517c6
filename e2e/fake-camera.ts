import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import QRCode from "qrcode";

// Chromium's fake camera plays this file (--use-file-for-fake-video-capture) and re-reads it
// whenever capture starts, so a test writes the QR it wants the page to see just before the
// page opens the camera.
export const CAMERA_FILE = path.resolve("e2e/.tmp/camera.y4m");

const W = 640;
const H = 480;

/** Writes a 640x480 YUV 4:2:0 video (10 identical frames) showing `text` as a QR code. */
export function showOnCamera(text: string) {
  const qr = QRCode.create(text, { errorCorrectionLevel: "M" });
  const size = qr.modules.size;
  const scale = Math.floor(420 / (size + 8));
  const side = (size + 8) * scale;
  const x0 = Math.floor((W - side) / 2);
  const y0 = Math.floor((H - side) / 2);
  const luma = Buffer.alloc(W * H, 235);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      if (!qr.modules.get(r, c)) continue;
      for (let dy = 0; dy < scale; dy++) {
        const row = (y0 + (r + 4) * scale + dy) * W + x0 + (c + 4) * scale;
        luma.fill(16, row, row + scale);
      }
    }
  }
  const chroma = Buffer.alloc((W / 2) * (H / 2), 128);
  const frame = Buffer.concat([Buffer.from("FRAME\n"), luma, chroma, chroma]);
  mkdirSync(path.dirname(CAMERA_FILE), { recursive: true });
  const tmp = `${CAMERA_FILE}.${process.pid}.tmp`;
  writeFileSync(
    tmp,
    Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`), ...Array(10).fill(frame)]),
  );
  renameSync(tmp, CAMERA_FILE);
}

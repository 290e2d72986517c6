// (1.2) The simulator's firmware update (docs/protocol.md section 7): the checks of
// device/firmware-update.ts, a download written to a file standing for the update partition and
// hashed as it is written, resumed with Range after a cut, progress reports, the "reboot" into
// the new version and the acknowledgement the new version sends. Flags make it fail on purpose.
import { closeSync, openSync, readFileSync, writeSync, ftruncateSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { DeviceClient } from "./client";
import {
  checkUpdate,
  ImageHash,
  pinFirmwareKeys,
  updateFailedAck,
  type FirmwareFailure,
  type UpdateParams,
} from "./firmware-update";

export type UpdaterOptions = {
  model: string;
  /** The firmware keys pinned in the running firmware (b64url, 65 bytes each). */
  firmwareKeys: string[];
  partitionBytes: number;
  /** The file standing for the update partition. */
  partitionFile: string;
  /** `rollback`: the new image "fails to start", the device rolls back and says so. */
  failUpdate?: "rollback" | null;
  /** Fetch images from this base (+ "/" + sha256) instead of the command's url (a mirror or CDN). */
  mirror?: string | null;
  /** Download through a local mirror that changes one byte (`--tamper-mirror`): hash_mismatch. */
  tamperMirror?: boolean;
  /** Cut the first download after this many bytes (then resume with Range). */
  interruptAfter?: number | null;
  /** How many times a cut or failed download is resumed before it reports download_failed. */
  maxAttempts?: number;
  log?: (line: string) => void;
};

export type UpdateOutcome = { status: "done"; running: string } | { status: "failed"; code: FirmwareFailure };

type Command = { id: string; params: unknown };

async function ack(device: DeviceClient, id: string, body: Record<string, unknown>) {
  const r = await device.signed("POST", `/api/v1/devices/me/commands/${id}`, JSON.stringify(body));
  if (r.status !== 200) throw new Error(`acknowledgement refused: ${r.status} ${(r.body as { code?: string })?.code}`);
}

/**
 * Downloads `params.size` bytes into the partition, hashing as it writes. A cut download resumes
 * from what the partition holds with `Range: bytes=<written>-`; a server that answers 200 to a
 * Range starts it over. Returns null when the image is whole and matches, else the failure.
 */
export async function downloadImage(
  params: UpdateParams,
  o: UpdaterOptions,
  progress: (written: number) => Promise<void>,
): Promise<FirmwareFailure | null> {
  const url = o.mirror ? `${o.mirror.replace(/\/+$/, "")}/${params.sha256}` : params.url;
  const image = new ImageHash(params.size, params.sha256);
  const fd = openSync(o.partitionFile, "w");
  let cut = o.interruptAfter ?? null;
  try {
    for (let attempt = 1; attempt <= (o.maxAttempts ?? 4); attempt++) {
      const range = image.offset > 0 ? image.rangeHeader() : null;
      try {
        const res = await fetch(url, { headers: range ? { range } : {} });
        if (range && res.status === 206) {
          const from = /^bytes (\d+)-/.exec(res.headers.get("content-range") ?? "")?.[1];
          if (Number(from) !== image.offset) throw new Error(`Content-Range starts at ${from}, not ${image.offset}`);
          o.log?.(`Resuming the download at byte ${image.offset} (206).`);
        } else if (res.status === 200) {
          if (image.offset > 0) o.log?.("The server ignored Range: starting over.");
          ftruncateSync(fd, 0);
          image.resumeFrom(new Uint8Array(0));
        } else {
          throw new Error(`GET image: ${res.status}`);
        }
        if (!res.body) throw new Error("no body");
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          let bytes = chunk;
          if (cut !== null && image.offset + bytes.length >= cut) {
            bytes = bytes.subarray(0, cut - image.offset);
            writeSync(fd, bytes, 0, bytes.length, image.offset);
            image.update(bytes);
            cut = null;
            throw new Error(`download cut after ${image.offset} bytes (--interrupt-download)`);
          }
          writeSync(fd, bytes, 0, bytes.length, image.offset);
          image.update(bytes); // throws when a mirror sends more than the signed size
        }
        await progress(image.offset);
        if (image.offset === params.size) return image.finish();
        throw new Error(`short download: ${image.offset} of ${params.size} bytes`);
      } catch (err) {
        o.log?.(`Download attempt ${attempt}: ${(err as Error).message}`);
        if ((err as Error).message === "more bytes than the signed size") return "hash_mismatch";
        await progress(image.offset).catch(() => {});
      }
    }
    return "download_failed";
  } finally {
    closeSync(fd);
  }
}

/**
 * Carries out one update_firmware command on `device` (whose opts.firmware is the running
 * version): checks 1 to 4, the download (check 5) with progress, the reboot, then the new
 * firmware's acknowledgement after one signed request. Every failure is acknowledged with its code.
 */
export async function runUpdate(device: DeviceClient, cmd: Command, o: UpdaterOptions): Promise<UpdateOutcome> {
  const running = device.opts.firmware ?? "0.0.0";
  const check = checkUpdate(
    { model: o.model, running, keys: pinFirmwareKeys(o.firmwareKeys), partitionBytes: o.partitionBytes },
    cmd.params,
  );
  if (!check.ok) {
    o.log?.(`Update refused: ${check.code} (${check.detail}).`);
    await ack(device, cmd.id, updateFailedAck(check.code, check.detail, running));
    return { status: "failed", code: check.code };
  }
  const p = check.params;
  o.log?.(`Updating ${running} -> ${p.version} (${p.size} bytes).`);
  await ack(device, cmd.id, { status: "in_progress", detail: `downloading 0/${p.size}` });
  const tampering = o.tamperMirror ? await startTamperingMirror(p.url.slice(0, p.url.lastIndexOf("/"))) : null;
  const failure = await downloadImage(p, tampering ? { ...o, mirror: tampering.url } : o, (n) =>
    ack(device, cmd.id, { status: "in_progress", detail: `downloading ${n}/${p.size}` }),
  ).finally(() => tampering?.close());
  if (failure) {
    const why =
      failure === "hash_mismatch" ? "the image does not hash to params.sha256" : "the download did not complete";
    o.log?.(`Update failed: ${failure}.`);
    await ack(device, cmd.id, updateFailedAck(failure, why, running));
    return { status: "failed", code: failure };
  }
  await ack(device, cmd.id, { status: "in_progress", detail: "verified; rebooting" });
  o.log?.(`Rebooting into ${p.version}…`);
  if (o.failUpdate === "rollback") {
    o.log?.(`${p.version} did not start; rolled back to ${running}.`);
    await ack(device, cmd.id, updateFailedAck("rolled_back", `${p.version} did not start`, running));
    return { status: "failed", code: "rolled_back" };
  }
  // The new firmware: its own checks, one signed request, then it acknowledges and marks itself good.
  device.opts.firmware = p.version;
  const me = await device.signed("GET", "/api/v1/devices/me");
  if (me.status !== 200) throw new Error(`the new firmware's first request was refused: ${me.status}`);
  await ack(device, cmd.id, { status: "done", firmware: p.version });
  o.log?.(`Now running ${p.version}; marked good.`);
  return { status: "done", running: p.version };
}

/**
 * A mirror that serves what `upstream` serves with one byte changed (`--tamper-mirror`): the
 * signature still verifies, only the hash of the bytes tells them apart (hash_mismatch).
 */
export async function startTamperingMirror(upstreamBase: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const sha = (req.url ?? "").split("/").pop() ?? "";
    const up = await fetch(`${upstreamBase.replace(/\/+$/, "")}/${sha}`);
    const body = Buffer.from(await up.arrayBuffer());
    if (body.length > 0) body[body.length >> 1] ^= 0xff;
    res.writeHead(up.status, { "content-type": "application/octet-stream", "content-length": body.length });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** What the partition holds (tests). */
export const readPartition = (file: string) => readFileSync(file);

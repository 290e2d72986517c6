// (1.2) The /emulator device's firmware update (docs/protocol.md section 7), in the browser:
// checks 1 to 4 with WebCrypto (device/web-device.ts), the download into memory standing for the
// update partition (resumed with Range when cut), check 5, progress on the screen and to the
// server, the "reboot" and the new version's acknowledgement after one signed request.
// WebCrypto has no streaming SHA-256: the image (at most the partition's 4 MiB) is hashed once whole.
import { compareWebVersions, hex, parseWebVersion, verifyWebFirmware, type WebPinnedKey } from "./web-device";

export const EMULATOR_PARTITION_BYTES = 4 * 1024 * 1024;

export type UpdateScreen =
  { kind: "updating"; version: string; received: number; size: number } | { kind: "rebooting"; version: string };

type Params = { model: string; version: string; size: number; sha256: string; kid: string; sig: string; url: string };

export type WebUpdateDevice = {
  model: string;
  running: string;
  firmwareKeys: WebPinnedKey[];
  /** A signed request whose answer's response MAC checked; null when it did not. */
  call(method: string, path: string, body?: string): Promise<{ status: number; text: string } | null>;
  show(screen: UpdateScreen): void;
  log(line: string): void;
  signal: AbortSignal;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs one update_firmware command; returns the version running afterwards. */
export async function runWebUpdate(d: WebUpdateDevice, id: string, raw: unknown): Promise<string> {
  const ack = (body: Record<string, unknown>) =>
    d.call("POST", `/api/v1/devices/me/commands/${id}`, JSON.stringify(body));
  const fail = async (code: string, why: string) => {
    d.log(`Update refused: ${code} (${why}).`);
    await ack({ status: "failed", detail: `${code}: ${why}`, firmware: d.running });
    return d.running;
  };
  const p = (typeof raw === "object" && raw !== null ? raw : {}) as Partial<Params>;
  if (p.model !== d.model) return fail("wrong_model", `this device is a ${d.model}`);
  const wellFormed =
    typeof p.version === "string" &&
    Number.isSafeInteger(p.size) &&
    (p.size as number) >= 0 &&
    typeof p.sha256 === "string" &&
    /^[0-9a-f]{64}$/.test(p.sha256) &&
    typeof p.kid === "string" &&
    typeof p.sig === "string";
  if (!wellFormed || !(await verifyWebFirmware(d.firmwareKeys, p as Params)))
    return fail("bad_signature", "no pinned firmware key signed these params");
  const target = parseWebVersion(p.version!);
  const running = parseWebVersion(d.running);
  if (!target || !running || compareWebVersions(target, running) <= 0)
    return fail("downgrade", `${p.version} does not order above ${d.running}`);
  if (p.size! > EMULATOR_PARTITION_BYTES) return fail("too_large", `${p.size} bytes do not fit the partition`);
  if (typeof p.url !== "string" || !p.url) return fail("download_failed", "no image URL");
  const { version, size, sha256, url } = p as Params;

  d.log(`Updating ${d.running} -> ${version}: downloading ${size} bytes.`);
  await ack({ status: "in_progress", detail: `downloading 0/${size}` });
  const partition = new Uint8Array(size);
  let received = 0;
  for (let attempt = 1; attempt <= 4 && received < size; attempt++) {
    try {
      const range = received > 0 ? `bytes=${received}-${size - 1}` : null;
      const r = await fetch(url, { headers: range ? { range } : {}, signal: d.signal });
      if (r.status === 200) received = 0;
      else if (!(range && r.status === 206)) throw new Error(`GET image: ${r.status}`);
      const reader = r.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (received + value.length > size) return fail("hash_mismatch", "more bytes than the signed size");
        partition.set(value, received);
        received += value.length;
        d.show({ kind: "updating", version, received, size });
      }
    } catch (err) {
      if (d.signal.aborted) throw err;
      d.log(`Download cut at ${received} bytes (${(err as Error).message}); resuming with Range.`);
    }
  }
  if (received < size) return fail("download_failed", `${received} of ${size} bytes`);
  const got = hex(new Uint8Array(await crypto.subtle.digest("SHA-256", partition as BufferSource)));
  if (got !== sha256) return fail("hash_mismatch", "the image does not hash to params.sha256");
  await ack({ status: "in_progress", detail: "verified; rebooting" });
  d.show({ kind: "rebooting", version });
  d.log(`Image verified; rebooting into ${version}.`);
  await sleep(1500);
  // The new firmware: one signed request, then it acknowledges and marks itself good.
  const me = await d.call("GET", "/api/v1/devices/me");
  if (!me || me.status !== 200) throw new Error("the new firmware's first request failed");
  await ack({ status: "done", firmware: version });
  d.log(`Now running ${version}; marked good.`);
  return version;
}

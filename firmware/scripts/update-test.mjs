#!/usr/bin/env node
// The example device's firmware updates (protocol 1.2 section 7) against a tiny local image
// server, without the app: `claimlink-device --apply-update PARAMS` runs the checks, downloads
// the image in Range requests into the file standing for its update partition, hashing as it
// writes, and leaves the boot record as a reboot would find it; `--boot-only` says what boots.
// Covers: the vector image and signature; each refusal (wrong_model, bad_signature for a key the
// device does not pin, downgrade, too_large) made before any byte is fetched; a cut download
// resumed with Range in the same run and after a restart; a tampering mirror (hash_mismatch);
// a failed boot rolled back. Runs every build it is given:
//
//   node scripts/update-test.mjs build-mbedtls/claimlink-device build-bearssl/claimlink-device
//   UPDATE_TEST_VALGRIND=1 ...   the vector case under valgrind too
import { spawn } from "node:child_process";
import { createHash, generateKeyPairSync } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { signFirmwareText, testFirmwareKey } from "../../scripts/test-keys.mjs";

// docs/protocol.md "Test vectors", firmware updates (1.2): the test firmware key (tests only;
// its private half signs in scripts/test-keys.mjs).
const FW_KEY = "BKKQIeQBp4PRfpJ60tORaCiePAcw1uQCinD__Yb97vhChF75bFlf1OLmgYntCMYfFTJPMikyOgEMQEonoWfPQts";
const FW_KID = "09e17ad8d663a41e";
const VECTOR_SIG = "bKpWxhUt30XOWkpy7ukEiNVOHOKOqnzIfbi9zpPUe4qy-wvvKpeNUyRi-4FJjneIHsa_2QO-YJIl6mNGQ8MCow";
const fwKey = testFirmwareKey;

const sha = (b) => createHash("sha256").update(b).digest("hex");
const signed = (p) => ["claimlink/1 firmware", p.model, p.version, p.size, p.sha256].join("\n");
const signWith = (key, text) => signFirmwareText(text, key);

const vectorImage = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 256));
const bigImage = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7 + (i >> 8)) % 256));

/** The image server: Range with 206, and faults a test asks for. */
function imageServer() {
  const images = new Map();
  const log = [];
  let fault = { cutRequests: new Set(), tamper: false, cutAfterFirst: false };
  let count = 0;
  const server = createServer((req, res) => {
    const img = images.get(req.url);
    count++;
    log.push(req.headers.range ?? "(whole)");
    if (!img) return res.writeHead(404).end();
    let body = img;
    if (fault.tamper) {
      body = Buffer.from(img);
      body[body.length - 1] ^= 1;
    }
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
    let status = 200;
    let from = 0;
    let to = body.length - 1;
    if (m) {
      from = Number(m[1]);
      to = m[2] ? Math.min(Number(m[2]), body.length - 1) : body.length - 1;
      status = 206;
    }
    const part = body.subarray(from, to + 1);
    const headers = { "content-length": part.length, "content-type": "application/octet-stream", etag: `"${sha(img)}"` };
    if (status === 206) headers["content-range"] = `bytes ${from}-${to}/${body.length}`;
    res.writeHead(status, headers);
    if (fault.cutRequests.has(count) || (fault.cutAfterFirst && count > 1)) {
      // Half the bytes, then the connection drops.
      res.write(part.subarray(0, part.length >> 1));
      setTimeout(() => res.destroy(), 20);
      return;
    }
    res.end(part);
  });
  return {
    images,
    log,
    setFault(f) {
      fault = { cutRequests: new Set(), tamper: false, cutAfterFirst: false, ...f };
      count = 0;
      log.length = 0;
    },
    listen: () => new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server.address().port))),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

const binaries = process.argv.slice(2);
if (!binaries.length) {
  console.error("usage: update-test.mjs BUILD/claimlink-device...");
  process.exit(2);
}
let failures = 0;
const check = (ok, what) => {
  if (!ok) failures++;
  console.log(`[update] ${ok ? "ok" : "FAILED"}: ${what}`);
};

const srv = imageServer();
const port = await srv.listen();
const url = (name) => `http://127.0.0.1:${port}/img/${name}`;
srv.images.set("/img/vector", vectorImage);
srv.images.set("/img/big", bigImage);

function params(image, name, over = {}, key = fwKey, kid = FW_KID) {
  const p = { model: "coreink-heat", version: "1.5.0", size: image.length, sha256: sha(image), kid, ...over };
  return JSON.stringify({ ...p, sig: over.sig ?? signWith(key, signed(p)), url: url(name) });
}

const stranger = generateKeyPairSync("ec", { namedCurve: "P-256" });
const sj = stranger.publicKey.export({ format: "jwk" });
const strangerKid = sha(
  Buffer.concat([Buffer.from([4]), Buffer.from(sj.x, "base64url"), Buffer.from(sj.y, "base64url")]),
).slice(0, 16);

for (const bin of binaries) {
  const name = path.basename(path.dirname(bin));
  const dir = mkdtempSync(path.join(tmpdir(), "claimlink-update-"));
  const partition = path.join(dir, "ota");
  const base = ["--server", "http://127.0.0.1:9", "--state", path.join(dir, "state"), "--model", "coreink-heat"];
  const run = (args, { valgrind = false } = {}) => {
    const cmd = valgrind ? "valgrind" : bin;
    const all = [
      ...(valgrind ? ["-q", "--error-exitcode=9", "--leak-check=full", "--errors-for-leak-kinds=definite", bin] : []),
      ...base,
      "--update-partition",
      partition,
      "--firmware-key",
      FW_KEY,
      ...args,
    ];
    // Asynchronous: the image server answers from this same process.
    return new Promise((resolve) => {
      const child = spawn(cmd, all, { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (b) => (out += b));
      child.stderr.on("data", (b) => (out += b));
      const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      child.on("close", (status) => {
        clearTimeout(timer);
        resolve({ status, out });
      });
    });
  };
  const reset = () => {
    for (const f of ["", ".dl", ".boot"]) rmSync(partition + f, { force: true });
  };
  const result = (out) => /Update result: (\w+)/.exec(out)?.[1];

  // The vector: checks pass, the image lands in the partition, the reboot boots it on trial.
  reset();
  srv.setFault({});
  const v = await run(["--firmware", "1.4.2", "--apply-update", params(vectorImage, "vector", { sig: VECTOR_SIG })], {
    valgrind: process.env.UPDATE_TEST_VALGRIND === "1",
  });
  check(v.status === 0 && result(v.out) === "ok", `${name}: the vector image and signature are accepted`);
  check(existsSync(partition) && readFileSync(partition).equals(vectorImage), `${name}: the partition holds the image`);
  let boot = await run(["--firmware", "1.4.2", "--boot-only"]);
  check(/Booted firmware 1\.5\.0 on trial \(was 1\.4\.2\)/.test(boot.out), `${name}: the new image boots on trial`);
  check(/Running firmware 1\.5\.0 \(an update to acknowledge\)/.test(boot.out), `${name}: with an update to acknowledge`);

  // A failed first boot: the old image runs and reports rolled_back.
  reset();
  const f = await run(["--firmware", "1.4.2", "--fail-next-boot", "--apply-update", params(vectorImage, "vector")]);
  check(result(f.out) === "ok", `${name}: an image whose boot will fail downloads`);
  boot = await run(["--firmware", "1.4.2", "--boot-only"]);
  check(/did not start: rolled back to 1\.4\.2/.test(boot.out) && /Running firmware 1\.4\.2/.test(boot.out),
    `${name}: a failed boot rolls back to 1.4.2`);

  // Each refusal of checks 1 to 4, before a byte is fetched.
  const refusals = [
    ["wrong_model", ["--firmware", "1.4.2"], params(vectorImage, "vector", { model: "other-model" })],
    ["bad_signature", ["--firmware", "1.4.2"], params(vectorImage, "vector", {}, stranger.privateKey, strangerKid)],
    ["bad_signature", ["--firmware", "1.4.2"], params(vectorImage, "vector", { version: "1.5.1", sig: VECTOR_SIG })],
    ["downgrade", ["--firmware", "1.5.0"], params(vectorImage, "vector")],
    ["downgrade", ["--firmware", "1.4.2"], params(vectorImage, "vector", { version: "1.4.2-rc.1" })],
    ["too_large", ["--firmware", "1.4.2", "--partition-size", "4095"], params(vectorImage, "vector")],
  ];
  for (const [code, args, p] of refusals) {
    reset();
    srv.setFault({});
    const r = await run([...args, "--apply-update", p]);
    check(r.status === 1 && result(r.out) === code && srv.log.length === 0, `${name}: ${code} (${args.join(" ")}), nothing fetched`);
  }

  // A cut in the second chunk: the same run resumes it with Range and finishes.
  reset();
  srv.setFault({ cutRequests: new Set([2]) });
  const big = params(bigImage, "big", { version: "1.6.0" });
  const c = await run(["--firmware", "1.4.2", "--apply-update", big]);
  check(result(c.out) === "ok" && readFileSync(partition).equals(bigImage), `${name}: a cut download resumes and verifies`);
  check(srv.log.filter((r) => r === "bytes=32768-65535").length === 2, `${name}: the cut chunk is asked again with Range`);

  // Cut for good after the first chunk: download_failed; then a restart resumes from the bytes kept.
  reset();
  srv.setFault({ cutAfterFirst: true });
  const g = await run(["--firmware", "1.4.2", "--apply-update", big]);
  check(result(g.out) === "download_failed", `${name}: a download that keeps failing gives up (download_failed)`);
  srv.setFault({});
  const again = await run(["--firmware", "1.4.2", "--apply-update", big]);
  check(
    result(again.out) === "ok" && srv.log[0] === "bytes=32768-65535" && /Resuming the download at byte 32768/.test(again.out),
    `${name}: after a restart the download resumes at byte 32768`,
  );

  // A tampering mirror: hash_mismatch, and the partition is not kept to resume from.
  reset();
  srv.setFault({ tamper: true });
  const t = await run(["--firmware", "1.4.2", "--apply-update", params(vectorImage, "vector")]);
  check(result(t.out) === "hash_mismatch" && !existsSync(partition), `${name}: a tampered image is hash_mismatch`);
  rmSync(dir, { recursive: true, force: true });
}
await srv.close();
console.log(failures ? `[update] FAILED: ${failures}` : "[update] passed");
process.exit(failures ? 1 : 0);

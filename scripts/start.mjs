// Starts the built app: `node scripts/start.mjs`; with `--build` (npm start), builds first unless
// the build is current (scripts/ensure-build.mjs).
//
// A thin server around Next for six things `next start` cannot do: it refuses a path that is
// not valid percent-encoding with a 400 problem+json (Next answers a bare 500); it refuses a body
// to Next's routes past the cap before Next reads it (413, scripts/body-cap.mjs); it appends the socket's
// peer address to X-Forwarded-For (so a client cannot pick its own IP for rate limits and the
// audit log), it opens the database before taking traffic (migrations, the embedded lock),
// it closes the database on SIGTERM/SIGINT, and it answers every /api/v1 request itself with
// the router's own bundle (scripts/api-server.mjs, docs/decisions/0011): the device API that a
// fleet calls all day, and the claim, without Next's per-request machinery.
import http from "node:http";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import next from "next";
import { pathToFileURL } from "node:url";
import { answerApi, isApiPath } from "./api-server.mjs";
import { capRequestBody } from "./body-cap.mjs";
import { API_BUNDLE } from "./build-api.mjs";
import { ensureBuild } from "./ensure-build.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
process.chdir(root);
process.env.NEXT_TELEMETRY_DISABLED = "1";
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "127.0.0.1";

if (process.argv.includes("--build")) ensureBuild(root);
if (!existsSync(path.join(root, ".next", "BUILD_ID")) || !existsSync(path.join(root, API_BUNDLE))) {
  console.error("No build found. Run `npm run build` first (npm start does both).");
  process.exit(1);
}

const app = next({ dev: false, dir: root, hostname: host, port });
await app.prepare();
const handle = app.getRequestHandler();
// The router's bundle shares the database and the event hub with Next's (both on globalThis);
// it checks the configuration as instrumentation.ts does, and stops the process when it is incomplete.
const router = await import(pathToFileURL(path.join(root, API_BUNDLE)).href);
router.checkConfigurationAtStart();

/** A path that is not valid percent-encoding: Next would answer it with a bare 500. */
function malformedPath(url) {
  try {
    decodeURIComponent((url ?? "/").split("?")[0]);
    return false;
  } catch {
    return true;
  }
}

function refuseMalformedPath(res) {
  const requestId = `req_${randomBytes(8).toString("hex")}`;
  const body = JSON.stringify({
    type: "about:blank",
    title: "Invalid request",
    status: 400,
    code: "invalid_request",
    detail: "The path is not valid percent-encoded UTF-8.",
    requestId,
  });
  res.writeHead(400, {
    "Content-Type": "application/problem+json",
    "Cache-Control": "no-store",
    "X-Request-Id": requestId,
  });
  res.end(body);
}

const server = http.createServer((req, res) => {
  if (malformedPath(req.url)) return refuseMalformedPath(res);
  const peer = req.socket.remoteAddress ?? "";
  const prior = req.headers["x-forwarded-for"];
  req.headers["x-forwarded-for"] = prior ? `${prior}, ${peer}` : peer;
  if (isApiPath(req.url)) return void answerApi(router.handleApiRequest, req, res);
  if (capRequestBody(req, res)) return;
  handle(req, res);
});
// Device long polls last up to 30 s; keep idle connections a little longer than that.
server.keepAliveTimeout = 35_000;
server.headersTimeout = 40_000;

// A burst of devices connecting at once (a neighbourhood's power comes back) must queue, not be
// refused: a longer accept queue than Node's 511 (the kernel caps it at net.core.somaxconn).
server.listen({ port, host, backlog: 4096 }, async () => {
  // The address people use: the one invitation links and devices' claim URLs are built from.
  const local = (process.env.CLAIMLINK_PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, "");
  let health;
  try {
    health = await (await fetch(`http://127.0.0.1:${port}/api/health`)).json();
  } catch {
    health = { status: "unreachable" };
  }
  if (health.status !== "ok") {
    console.error(`Claimlink started at ${local} but its database is not available (${JSON.stringify(health)}).`);
  } else {
    const where =
      health.database === "pglite"
        ? `the embedded database in ${path.resolve(process.env.CLAIMLINK_DATA_DIR ?? ".data")}`
        : "PostgreSQL (DATABASE_URL)";
    console.log(`\nClaimlink is running at ${local} on ${where}.`);
    for (const line of await firstRunBanner(local)) console.log(line);
  }
});

/**
 * What to do next, said once: until a staff account exists, how to create one (and that staff
 * sign-in asks to set up two-factor in production); then how to try a claim.
 */
async function firstRunBanner(local) {
  let status = null;
  try {
    status = await globalThis[Symbol.for("claimlink.first-run")]?.();
  } catch {
    /* the banner is a courtesy; the app is serving */
  }
  const twoFactor = status?.staffTwoFactor
    ? " Staff set up two-factor sign-in (an authenticator app) when they first sign in."
    : "";
  if (status && !status.hasStaff)
    return [
      `\nCreate the first staff account in another terminal (this one keeps running):`,
      `  npm run cli -- users add you@example.org --name "Your Name" --role staff`,
      `then sign in at ${local}/sign-in.${twoFactor}\n`,
    ];
  const lines = [`\nSign in at ${local}/sign-in.${twoFactor}`, `To try a claim without hardware:`];
  if (status?.emulator)
    lines.push(
      `  open ${local}/emulator (a device in a browser tab) and scan its screen with your phone's camera,`,
      `  or type the code under its QR at ${local}/claim; or`,
    );
  lines.push(`  run a simulated device in another terminal: npm run device -- --server ${local}\n`);
  return lines;
}

async function shutdown(signal) {
  server.close();
  const database = globalThis[Symbol.for("claimlink.database")];
  try {
    if (database) await (await database).close();
  } catch {
    /* closing is best effort */
  }
  console.log(`Claimlink stopped (${signal}).`);
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));

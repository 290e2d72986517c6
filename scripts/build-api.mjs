// Builds the /api/v1 router (lib/api/server.ts) into one ES module that scripts/start.mjs
// loads: project code bundled (the `@/` alias from tsconfig.json), packages left to node_modules,
// so the router and Next's build share them (docs/decisions/0011). `npm run build` runs it after
// `next build`, which empties .next first.
import path from "node:path";

export const API_BUNDLE = path.join(".next", "claimlink-api", "server.mjs");

export async function buildApi(root) {
  // Loaded here, not at the top: scripts/start.mjs reads API_BUNDLE and never builds with it.
  const { build } = await import("esbuild");
  await build({
    entryPoints: [path.join(root, "lib", "api", "server.ts")],
    outfile: path.join(root, API_BUNDLE),
    tsconfig: path.join(root, "tsconfig.json"),
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: "linked",
    logLevel: "warning",
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
  await buildApi(root);
  console.log(`Built the API router: ${API_BUNDLE}`);
}

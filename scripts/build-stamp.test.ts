import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { API_BUNDLE } from "./build-api.mjs";
import { buildStatus, sourceHash, writeStamp } from "./build-stamp.mjs";

// `npm start` rebuilds exactly when the build in .next is missing or was made from other sources.

let root: string;
const write = (rel: string, text: string) => {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
};
/** A finished build of the tree as it is now, stamped as `npm start` stamps it. */
const build = (env: Record<string, string> = {}) => {
  write(".next/BUILD_ID", "abc");
  write(API_BUNDLE, "export {};\n");
  writeStamp(root, sourceHash(root, env));
};

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "claimlink-stamp-"));
  write("app/page.tsx", "export default function Page() { return null; }\n");
  write("lib/x.ts", "export const x = 1;\n");
  write("package.json", "{}\n");
  write("package-lock.json", '{"lockfileVersion": 3}\n');
  write("next.config.mjs", "export default {};\n");
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("buildStatus: is the build in .next current?", () => {
  it("no build, or a build without a stamp (made by `next build` alone): not current", () => {
    expect(buildStatus(root, {})).toMatchObject({ current: false, reason: "no build yet" });
    write(".next/BUILD_ID", "abc");
    write(API_BUNDLE, "export {};\n");
    expect(buildStatus(root, {})).toMatchObject({ current: false, reason: "the build was not made by npm start" });
  });

  it("a build without the /api/v1 router's bundle (`next build` alone, or an interrupted build): not current", () => {
    build();
    unlinkSync(path.join(root, API_BUNDLE));
    expect(buildStatus(root, {})).toMatchObject({ current: false, reason: "the API router was not built" });
  });

  it("a stamped build of the same tree is current, even when every file's time changed", () => {
    build();
    expect(buildStatus(root, {})).toMatchObject({ current: true });
    const later = new Date(Date.now() + 3600_000);
    for (const f of ["app/page.tsx", "lib/x.ts", "package-lock.json"]) utimesSync(path.join(root, f), later, later);
    expect(buildStatus(root, {}).current).toBe(true);
  });

  it.each([
    ["a source edited", () => write("lib/x.ts", "export const x = 2;\n")],
    ["a source added", () => write("lib/y.ts", "export const y = 1;\n")],
    ["a source removed", () => unlinkSync(path.join(root, "lib/x.ts"))],
    ["a file renamed", () => (unlinkSync(path.join(root, "lib/x.ts")), write("lib/z.ts", "export const x = 1;\n"))],
    ["package-lock.json changed", () => write("package-lock.json", '{"lockfileVersion": 3, "x": 1}\n')],
    ["the Next config changed", () => write("next.config.mjs", "export default { poweredByHeader: false };\n")],
    ["an .env file added", () => write(".env.production", "NEXT_PUBLIC_X=1\n")],
    ["a public asset changed", () => write("public/robots.txt", "User-agent: *\n")],
  ])("%s: not current", (_, change) => {
    build();
    change();
    expect(buildStatus(root, {})).toMatchObject({ current: false, reason: "sources changed since the last build" });
  });

  it("a NEXT_PUBLIC_ variable (inlined by the build) changed: not current; other variables do not matter", () => {
    build({ NEXT_PUBLIC_X: "1" });
    expect(buildStatus(root, { NEXT_PUBLIC_X: "1", PORT: "4000" }).current).toBe(true);
    expect(buildStatus(root, { NEXT_PUBLIC_X: "2" }).current).toBe(false);
  });

  it("what the built app never contains does not make it stale: tests, docs, data, dependencies' own folders", () => {
    build();
    write("e2e/a.spec.ts", "x");
    write("docs/a.md", "x");
    write("README.md", "x");
    write("bench/a.ts", "x");
    write(".data/pglite/x", "x");
    write(".device-state.json", "{}");
    write("node_modules/a/index.js", "x");
    write("next-env.d.ts", "x");
    write("lib/x.test.ts", "x");
    write(".next/cache/x", "x");
    expect(buildStatus(root, {}).current).toBe(true);
  });

  it("a lost BUILD_ID (an interrupted build) is not current even with a stamp", () => {
    build();
    unlinkSync(path.join(root, ".next/BUILD_ID"));
    expect(buildStatus(root, {}).current).toBe(false);
  });
});

describe("scripts/ensure-build.mjs", () => {
  it("starts nothing when the build is current, and says so", () => {
    // A copy of the script in the temporary tree, so its root is that tree.
    mkdirSync(path.join(root, "scripts"));
    const here = path.dirname(new URL(import.meta.url).pathname);
    for (const f of ["build-stamp.mjs", "ensure-build.mjs", "build-api.mjs"])
      writeFileSync(path.join(root, "scripts", f), readFileSync(path.join(here, f)));
    build();
    const r = spawnSync(process.execPath, [path.join(root, "scripts/ensure-build.mjs")], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("The build is current");
    // A changed source: it builds (here `next` is missing from the tree, so the build fails and says so).
    write("lib/x.ts", "export const x = 3;\n");
    const r2 = spawnSync(process.execPath, [path.join(root, "scripts/ensure-build.mjs")], { encoding: "utf8" });
    expect(r2.stdout).toContain("Building (sources changed since the last build)");
    expect(r2.status).not.toBe(0);
  });
});

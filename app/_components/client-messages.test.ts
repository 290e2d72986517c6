import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import en from "../../messages/en.json";
import nl from "../../messages/nl.json";
import { clientMessages } from "./client-messages";

// A page outside the console gets the catalog without the console's namespaces: a component that
// reads one there would show its keys, not its words. This finds such a component by reading the
// sources, as a reviewer would.

const APP = path.join(__dirname, "..");
const CONSOLE_DIRS = ["staff", "research", "docs/api", "emulator"].map((d) => path.join(APP, d) + path.sep);
const inConsole = (file: string) => CONSOLE_DIRS.some((d) => file.startsWith(d));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

describe("the catalog a page sends to the browser", () => {
  const everyone = clientMessages(nl, "everyone");
  const console = clientMessages(nl, "console");

  it("leaves out mail everywhere, and the console's words outside the console", () => {
    expect(everyone).not.toHaveProperty("mail");
    expect(console).not.toHaveProperty("mail");
    for (const ns of ["staffAccounts", "staffDevices", "staffStudies", "apiDocs", "emulator", "research"]) {
      expect(everyone).not.toHaveProperty(ns);
      expect(console).toHaveProperty(ns);
    }
    for (const ns of ["claim", "device", "account", "problems", "error", "locale", "firmwareHistory"]) {
      expect(everyone).toHaveProperty(ns);
    }
    expect(JSON.stringify(everyone).length).toBeLessThan(JSON.stringify(nl).length * 0.6);
    expect(Object.keys(clientMessages(en, "everyone"))).toEqual(Object.keys(everyone));
    // The API reference, open to signed-out visitors: its own words and no other console namespace.
    const apiDocs = clientMessages(nl, ["apiDocs"]);
    expect(apiDocs).toHaveProperty("apiDocs");
    expect(apiDocs).not.toHaveProperty("staffAccounts");
    expect(Object.keys(apiDocs).length).toBe(Object.keys(everyone).length + 1);
  });

  it("has every namespace a component outside the console reads", () => {
    const files = sources(APP);
    const missing: string[] = [];
    for (const file of files.filter((f) => !inConsole(f))) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/useTranslations\("([A-Za-z]+)/g)) {
        if (m[1] in everyone) continue;
        // A shared component only the console's pages import is read under the console's provider.
        const name = path.basename(file).replace(/\.tsx?$/, "");
        const importers = files.filter((f) => f !== file && readFileSync(f, "utf8").includes(`/${name}"`));
        if (importers.length > 0 && importers.every(inConsole)) continue;
        missing.push(`${path.relative(APP, file)}: ${m[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

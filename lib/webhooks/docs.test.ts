import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { keyringOf } from "../crypto/seal";
import { newWebhookSecret, openWebhookSecret, webhookHeaders } from "./signature";

// The verification snippets of docs/integrations.md "Verifying a delivery", run as printed:
// what a reader copies must accept our deliveries and refuse tampered or old ones.

const doc = readFileSync(path.resolve("docs/integrations.md"), "utf8");
const block = (lang: string) => {
  const m = new RegExp("```" + lang + "\\n([\\s\\S]*?)```").exec(doc.slice(doc.indexOf("## Verifying a delivery")));
  if (!m) throw new Error(`no ${lang} block`);
  return m[1];
};

const dir = mkdtempSync(path.join(tmpdir(), "claimlink-webhook-docs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const keys = keyringOf([Buffer.alloc(32, 7)]);
function secret() {
  const s = newWebhookSecret(keys, "whk_AAAAAAAAAAAAAAAA");
  return { shown: s.shown, bytes: openWebhookSecret(keys, "whk_AAAAAAAAAAAAAAAA", s.sealed) };
}

type Case = { name: string; secret: string; headers: Record<string, string>; body: string; valid: boolean };

function cases(): Case[] {
  const a = secret();
  const b = secret();
  const body = JSON.stringify({
    type: "device.lost",
    timestamp: "2026-12-07T09:00:00.000Z",
    data: { deviceId: "dév" },
  });
  const now = Math.floor(Date.now() / 1000);
  const signed = webhookHeaders([a.bytes], "msg_AAAAAAAAAAAAAAAA", now, body);
  const rolled = webhookHeaders([b.bytes, a.bytes], "msg_AAAAAAAAAAAAAAAA", now, body);
  return [
    { name: "good", secret: a.shown, headers: signed, body, valid: true },
    { name: "tampered body", secret: a.shown, headers: signed, body: body.replace("lost", "gone"), valid: false },
    { name: "other secret", secret: b.shown, headers: signed, body, valid: false },
    {
      name: "old",
      secret: a.shown,
      headers: webhookHeaders([a.bytes], "msg_AAAAAAAAAAAAAAAA", now - 600, body),
      body,
      valid: false,
    },
    { name: "rolled, old secret", secret: a.shown, headers: rolled, body, valid: true },
    { name: "rolled, new secret", secret: b.shown, headers: rolled, body, valid: true },
  ];
}

describe("docs/integrations.md signature verification", () => {
  it("the Python snippet accepts our deliveries and refuses tampered, foreign and old ones", () => {
    const driver = `${block("python")}
import json, sys
for c in json.load(sys.stdin):
    print(c["name"], verify(c["secret"], c["headers"], c["body"].encode()))
`;
    const all = cases();
    const r = spawnSync("python3", ["-c", driver], { input: JSON.stringify(all), encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout.trim().split("\n")).toEqual(all.map((c) => `${c.name} ${c.valid ? "True" : "False"}`));
  });

  it("the JavaScript snippet does the same", async () => {
    const file = path.join(dir, "verify.mjs");
    writeFileSync(file, block("js"));
    const { verify } = (await import(pathToFileURL(file).href)) as {
      verify: (s: string, h: Record<string, string>, b: string) => boolean;
    };
    for (const c of cases()) expect(verify(c.secret, c.headers, c.body), c.name).toBe(c.valid);
  });
});

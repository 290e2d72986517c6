import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import { describe, expect, it } from "vitest";
import en from "../../messages/en.json";
import nl from "../../messages/nl.json";

// The catalogs (messages/*.json, docs/i18n.md) must say the same things: every key in both, every
// message valid ICU, and the same arguments and tags on both sides (a Dutch sentence that drops
// {name} or <strong> would show a page without it).

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

function argumentsOf(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const e of elements) {
    if (e.type === TYPE.argument || e.type === TYPE.number || e.type === TYPE.date || e.type === TYPE.time)
      into.add(`{${e.value}}`);
    if (e.type === TYPE.tag) {
      into.add(`<${e.value}>`);
      argumentsOf(e.children, into);
    }
    if (e.type === TYPE.plural || e.type === TYPE.select) {
      into.add(`{${e.value}}`);
      for (const option of Object.values(e.options)) argumentsOf(option.value, into);
    }
  }
  return into;
}

const catalogs = { en: flatten(en as Tree), nl: flatten(nl as Tree) };

describe("the message catalogs", () => {
  it("have the same keys in Dutch and English", () => {
    const enKeys = [...catalogs.en.keys()].sort();
    const nlKeys = [...catalogs.nl.keys()].sort();
    expect(
      nlKeys.filter((k) => !catalogs.en.has(k)),
      "only in nl.json",
    ).toEqual([]);
    expect(
      enKeys.filter((k) => !catalogs.nl.has(k)),
      "only in en.json",
    ).toEqual([]);
  });

  it("hold valid ICU messages with the same arguments and tags in both languages", () => {
    for (const [key, english] of catalogs.en) {
      const dutch = catalogs.nl.get(key);
      if (dutch === undefined) continue;
      const a = argumentsOf(parse(english));
      const b = argumentsOf(parse(dutch));
      expect([...b].sort(), key).toEqual([...a].sort());
      expect(dutch.trim(), key).not.toBe("");
    }
  });

  it("catches a message that drops an argument", () => {
    expect([...argumentsOf(parse("{name} is yours"))]).toEqual(["{name}"]);
    expect([...argumentsOf(parse("Is van jou"))]).toEqual([]);
    expect([...argumentsOf(parse("Try in {n, plural, one {# minute} other {# minutes}} <b>{x}</b>"))].sort()).toEqual([
      "<b>",
      "{n}",
      "{x}",
    ]);
  });
});

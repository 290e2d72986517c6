import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Markdown, parseBlocks } from "./markdown";

describe("Markdown", () => {
  it("reads headings, paragraphs and lists", () => {
    expect(parseBlocks("# Title\n\nOne\ntwo\n\n- a\n- b\n1. c")).toEqual([
      { kind: "heading", level: 1, text: "Title" },
      { kind: "paragraph", text: "One two" },
      { kind: "list", ordered: false, items: ["a", "b"] },
      { kind: "list", ordered: true, items: ["c"] },
    ]);
  });

  it("renders raw HTML as text, never as markup", () => {
    const html = renderToStaticMarkup(
      createElement(Markdown, { source: '<script>alert(1)</script> <img src=x onerror="x">' }),
    );
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;script&gt;");
  });

  it("links only http(s) addresses", () => {
    const html = renderToStaticMarkup(
      createElement(Markdown, { source: "[ok](https://example.org/a) [bad](javascript:alert(1)) **b** *i*" }),
    );
    expect(html).toContain('href="https://example.org/a"');
    expect(html).not.toContain('javascript:alert(1)"');
    expect(html).toContain("[bad](javascript:alert(1))");
    expect(html).toContain("<strong>b</strong>");
    expect(html).toContain("<em>i</em>");
  });
});

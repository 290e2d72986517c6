import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { MarkdownText } from "./markdown";

const html = (text: string) => renderToStaticMarkup(createElement(MarkdownText, { text }));

describe("MarkdownText", () => {
  it("renders headings, paragraphs, lists and emphasis", () => {
    const out = html("# Title\n\nOne **bold** and *soft*\n\n- a\n- b\n\n1. c");
    expect(out).toContain(">Title</h3>");
    expect(out).toContain("<strong>bold</strong>");
    expect(out).toContain("<em>soft</em>");
    // react-markdown keeps the source's line breaks between elements: compare without them.
    const flat = out.replace(/\n/g, "");
    expect(flat).toMatch(/<ul[^>]*><li>a<\/li><li>b<\/li><\/ul>/);
    expect(flat).toMatch(/<ol[^>]*><li>c<\/li><\/ol>/);
  });

  it("never renders raw HTML", () => {
    const out = html('<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">\n\n<b>raw</b> text');
    expect(out).not.toMatch(/<script|<img|<b>|onerror=/);
    expect(out).toContain("text");
  });

  it("links only http(s) addresses, and draws no remote image", () => {
    const out = html(
      "[ok](https://example.org/a) and [bad](javascript:alert(1))\n\n![a tracker](https://evil.example/t.png)",
    );
    expect(out).toContain('href="https://example.org/a"');
    expect(out).not.toContain("javascript:");
    expect(out).not.toMatch(/<img/);
    expect(out).toContain("a tracker");
  });
});

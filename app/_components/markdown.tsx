import type { ReactNode } from "react";

// Markdown that staff wrote (a study's description and consent text), rendered as React
// elements, never as an HTML string: raw HTML tags in the source are dropped, and the rest is
// always a text node. A small subset: headings (#, ##, ###), paragraphs, bullet and numbered
// lists, **bold**, *italic* and [links](https://…) (http and https only; anything else stays
// text). The participant's screens and the staff's preview share this one component.

export type Block =
  | { kind: "heading"; level: 1 | 2 | 3; text: string }
  | { kind: "paragraph"; text: string }
  | { kind: "list"; ordered: boolean; items: string[] };

/** The blocks of a Markdown text: blank lines separate paragraphs; list items and headings are lines of their own. */
export function parseBlocks(source: string): Block[] {
  const blocks: Block[] = [];
  source = source.replace(RAW_HTML, "");
  let para: string[] = [];
  const flush = () => {
    if (para.length) blocks.push({ kind: "paragraph", text: para.join(" ") });
    para = [];
  };
  for (const raw of source.replace(/\r\n?/g, "\n").split("\n")) {
    const line = raw.trim();
    const heading = /^(#{1,3})\s+(.*)$/.exec(line);
    const bullet = /^[-*+]\s+(.*)$/.exec(line);
    const numbered = /^\d{1,3}[.)]\s+(.*)$/.exec(line);
    if (!line) flush();
    else if (heading) {
      flush();
      blocks.push({ kind: "heading", level: heading[1].length as 1 | 2 | 3, text: heading[2] });
    } else if (bullet || numbered) {
      flush();
      const ordered = !!numbered;
      const item = (bullet ?? numbered)![1];
      const last = blocks[blocks.length - 1];
      if (last?.kind === "list" && last.ordered === ordered) last.items.push(item);
      else blocks.push({ kind: "list", ordered, items: [item] });
    } else para.push(line);
  }
  flush();
  return blocks;
}

/** A raw HTML tag or comment: dropped, never rendered. */
const RAW_HTML = /<!--[\s\S]*?-->|<\/?[a-zA-Z][^>]*>/g;

const INLINE = /\*\*(.+?)\*\*|\*(.+?)\*|\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g;

/** Inline emphasis and links; everything else is text. */
export function renderInline(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  let at = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index > at) out.push(text.slice(at, m.index));
    const key = `${m.index}`;
    if (m[1] !== undefined) out.push(<strong key={key}>{m[1]}</strong>);
    else if (m[2] !== undefined) out.push(<em key={key}>{m[2]}</em>);
    else
      out.push(
        <a key={key} href={m[4]} rel="noopener noreferrer nofollow" target="_blank">
          {m[3]}
        </a>,
      );
    at = m.index + m[0].length;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

/** Staff-written Markdown, safely (see the module's comment); headings sit under the page's h2. */
export function MarkdownText({ text, className, testId }: { text: string; className?: string; testId?: string }) {
  const blocks = parseBlocks(text);
  return (
    <div className={className ?? "space-y-2 text-sm leading-relaxed break-words [&_a]:underline"} data-testid={testId}>
      {blocks.map((b, i) => {
        if (b.kind === "heading") {
          const H = b.level === 3 ? "h4" : "h3";
          return (
            <H key={i} className="font-semibold">
              {renderInline(b.text)}
            </H>
          );
        }
        if (b.kind === "list") {
          const L = b.ordered ? "ol" : "ul";
          return (
            <L key={i} className={b.ordered ? "list-decimal space-y-1 ps-5" : "list-disc space-y-1 ps-5"}>
              {b.items.map((it, j) => (
                <li key={j}>{renderInline(it)}</li>
              ))}
            </L>
          );
        }
        return <p key={i}>{renderInline(b.text)}</p>;
      })}
    </div>
  );
}

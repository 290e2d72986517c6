import Markdown, { type Components } from "react-markdown";

// Markdown that staff wrote (a study's description and consent text), rendered as React
// elements: raw HTML in the source is dropped (`skipHtml`), never parsed, and link targets pass
// react-markdown's URL filter (javascript: and other schemes become empty). docs/decisions/0021.

const COMPONENTS: Components = {
  h1: ({ children }) => <h3 className="mt-4 text-base font-semibold first:mt-0">{children}</h3>,
  h2: ({ children }) => <h3 className="mt-4 text-base font-semibold first:mt-0">{children}</h3>,
  h3: ({ children }) => <h4 className="mt-3 text-sm font-semibold first:mt-0">{children}</h4>,
  p: ({ children }) => <p className="mt-2 first:mt-0">{children}</p>,
  ul: ({ children }) => <ul className="mt-2 list-disc space-y-1 ps-5">{children}</ul>,
  ol: ({ children }) => <ol className="mt-2 list-decimal space-y-1 ps-5">{children}</ol>,
  a: ({ href, children }) => (
    <a href={href} rel="noopener noreferrer nofollow" target="_blank">
      {children}
    </a>
  ),
  // Images would load from anywhere the text names: shown as their text instead.
  img: ({ alt }) => <span>{alt}</span>,
};

/**
 * Staff-written Markdown, safely: no raw HTML, no script URLs, no remote images. `lang` names the
 * text's language when it is not the page's (a study text shown in its other language).
 */
export function MarkdownText({
  text,
  className,
  testId,
  lang,
}: {
  text: string;
  className?: string;
  testId?: string;
  lang?: string;
}) {
  return (
    <div className={className ?? "text-sm leading-relaxed break-words"} data-testid={testId} lang={lang}>
      <Markdown skipHtml components={COMPONENTS}>
        {text}
      </Markdown>
    </div>
  );
}

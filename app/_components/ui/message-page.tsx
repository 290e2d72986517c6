import { Main } from "./main";

/** A page that only says what happened and offers one way on: the error and not-found pages. */
export function MessagePage({ title, text, action }: { title: string; text: string; action: React.ReactNode }) {
  return (
    <Main width="narrow">
      <div className="rounded-xl border border-line bg-surface p-6 shadow-xs">
        <h1 tabIndex={-1} className="text-2xl font-semibold tracking-tight outline-none">
          {title}
        </h1>
        <p className="mt-2 text-sm text-muted">{text}</p>
        <div className="mt-5">{action}</div>
      </div>
    </Main>
  );
}

import { ButtonLink } from "./_components/ui/button";
import { Main } from "./_components/ui/main";

export default function NotFound() {
  return (
    <Main width="narrow">
      <div className="rounded-xl border border-line bg-surface p-6 shadow-xs">
        <h1 tabIndex={-1} className="text-2xl font-semibold tracking-tight outline-none">
          Page not found
        </h1>
        <p className="mt-2 text-sm text-muted">
          There is nothing at this address. It may have moved, or the link may be mistyped.
        </p>
        <div className="mt-5">
          <ButtonLink href="/">Go to the start page</ButtonLink>
        </div>
      </div>
    </Main>
  );
}

"use client";

import { Button } from "./_components/ui/button";
import { Main } from "./_components/ui/main";

export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  return (
    <Main width="narrow">
      <div className="rounded-xl border border-line bg-surface p-6 shadow-xs">
        <h1 tabIndex={-1} className="text-2xl font-semibold tracking-tight outline-none">
          Something went wrong
        </h1>
        <p className="mt-2 text-sm text-muted">
          The page could not be shown. This is on our side; please try again in a moment.
        </p>
        <div className="mt-5">
          <Button onClick={reset}>Try again</Button>
        </div>
      </div>
    </Main>
  );
}

"use client";

import { useEffect, useRef, useState } from "react";
import { ApiError } from "./api";
import { lookUpLink, takeLinkToken } from "./link-token";
import { refusalOf, type Refusal } from "./refusal";
import { ButtonLink } from "./ui/button";

/** Where a page that opens from an emailed link stands: looking it up, refused, or found. */
export type LinkLookup<T> =
  { step: "loading" } | { step: "invalid"; refusal: Refusal | null } | { step: "found"; token: string; value: T };

/**
 * The link's token (taken from the fragment: link-token.ts) looked up at `path` once the page
 * is shown. A refusal is the page's own key for it among `refusals` (a module constant), null
 * when the address carried no token. `forget` drops the token once the link has been used.
 */
export function useLinkLookup<T>(key: string, path: string, refusals: readonly string[]) {
  const [link, setLink] = useState<LinkLookup<T>>({ step: "loading" });
  const forget = useRef<() => void>(() => {});
  useEffect(() => {
    const taken = takeLinkToken(key);
    forget.current = taken.forget;
    lookUpLink<T>(taken, path).then(
      (value) => setLink({ step: "found", token: taken.token, value }),
      (err: unknown) =>
        setLink({ step: "invalid", refusal: err instanceof ApiError ? refusalOf(err, refusals) : null }),
    );
  }, [key, path, refusals]);
  return { link, forget: () => forget.current() };
}

/** What a link page shows until its link is found: that it is checking, or why the link is no use. */
export function LinkLookupNotice({
  link,
  checking,
  refused,
  help,
  signIn,
  testId,
}: {
  link: { step: "loading" } | { step: "invalid" };
  checking: string;
  /** The refusal in the page's words (its `refusals.<key>`, or its sentence for a missing token). */
  refused: string;
  help?: string;
  signIn: string;
  testId: string;
}) {
  if (link.step === "loading") return <p className="text-sm text-muted">{checking}</p>;
  return (
    <div className="space-y-4">
      <p role="alert" className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger-text" data-testid={testId}>
        {refused}
      </p>
      {help && <p className="text-sm text-muted">{help}</p>}
      <ButtonLink href="/sign-in" variant="secondary">
        {signIn}
      </ButtonLink>
    </div>
  );
}

import Link from "next/link";

/** The wordmark: a small claim mark and the name, linking to the start page. */
export function Brand({ href = "/", label = "Claimlink" }: { href?: string; label?: string }) {
  return (
    <Link href={href} className="inline-flex items-center gap-2 text-base font-semibold text-fg no-underline">
      <svg aria-hidden="true" viewBox="0 0 24 24" className="size-6 text-accent">
        <rect x="2" y="2" width="20" height="20" rx="5" fill="currentColor" />
        <path d="M7 7h4v4H7zM13 13h4v4h-4zM13 7h4v2h-4zM7 13h2v4H7z" fill="var(--surface)" />
      </svg>
      {label}
    </Link>
  );
}

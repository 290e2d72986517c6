import Link from "next/link";

export default function NotFound() {
  return (
    <main>
      <div className="card narrow">
        <h1>Page not found</h1>
        <p>There is nothing at this address. It may have moved, or the link may be mistyped.</p>
        <div className="actions">
          <Link className="button" href="/">
            Go to the start page
          </Link>
        </div>
      </div>
    </main>
  );
}

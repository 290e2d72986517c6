"use client";

export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  return (
    <main>
      <div className="card narrow">
        <h1>Something went wrong</h1>
        <p>The page could not be shown. This is on our side; please try again in a moment.</p>
        <div className="actions">
          <button onClick={reset}>Try again</button>
        </div>
      </div>
    </main>
  );
}

import type { ReactNode } from "react";

// The line under a study section's form that announces what saving did (role="status").

export type Message = { kind: "ok" | "error"; text: string } | null;

export function Status({ message, testId }: { message: Message; testId: string }): ReactNode {
  return (
    <div role="status" className="basis-full text-sm">
      {message && (
        <p className={message.kind === "error" ? "text-danger-text" : "text-ok-text"} data-testid={testId}>
          {message.text}
        </p>
      )}
    </div>
  );
}

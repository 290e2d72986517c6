import type { ActionMessage } from "../use-action";
import { cn } from "./cn";

/** The outcome of a form's action, in a live region that exists before the message does (so it is announced). */
export function StatusMessage({
  message,
  testId,
  className,
}: {
  message: ActionMessage;
  testId?: string;
  className?: string;
}) {
  return (
    <div role="status" aria-live="polite" className={className}>
      {message && (
        <p
          className={cn("text-sm", message.kind === "error" ? "text-danger-text" : "text-ok-text")}
          data-testid={testId}
          data-kind={message.kind}
        >
          {message.text}
        </p>
      )}
    </div>
  );
}

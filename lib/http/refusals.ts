import { recordRefusal, type Actor } from "../audit/record";
import type { Db } from "../db/client";
import type { AppError } from "../errors/app-error";

/**
 * Audits a refused request: the one place each route family's refusals are recorded (the route
 * wrappers call it), capped per action, caller and code by `recordRefusal`.
 */
export async function auditRefusal(
  db: Db,
  actor: Actor,
  action: string,
  err: AppError,
  req: Request,
  context: { caller?: string | null; subjectDeviceId?: string | null; detail?: Record<string, unknown> } = {},
): Promise<void> {
  await recordRefusal(db, actor, {
    action,
    code: err.code,
    caller: context.caller,
    subjectUserId: actor.id,
    subjectDeviceId: context.subjectDeviceId ?? null,
    detail: { method: req.method, path: new URL(req.url).pathname, ...context.detail },
  });
}

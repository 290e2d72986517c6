import { AppError } from "../errors/app-error";
import { newRequestId, problemResponse } from "../errors/problem";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type Handler = (req: Request) => Promise<Response>;

/**
 * Handlers for the methods a route does not serve: 405 problem+json with `Allow`, instead of
 * Next's bare 405 without a body (every error of the API is problem+json). The signed device
 * routes use `signedMethodsNotAllowed` of device-route.ts instead, whose answers are signed.
 */
export function methodsNotAllowed(...allowed: string[]): Record<string, Handler> {
  const refuse: Handler = async () =>
    problemResponse(
      new AppError("method_not_allowed", `This route answers ${allowed.join(", ")} only.`),
      newRequestId(),
      {
        Allow: allowed.join(", "),
      },
    );
  return Object.fromEntries(METHODS.filter((m) => !allowed.includes(m)).map((m) => [m, refuse]));
}

// Errors and validation the domain may use: no request, no framework. lib/http renders them.
export { AppError, ERROR_STATUS, type ErrorCode } from "./app-error";
export { asAppError, newRequestId, problemBody, problemHeaders, problemResponse, toProblem } from "./problem";
export { hasNoControlChars, isUniqueViolation, parseJsonText, parseOrThrow } from "./validate";

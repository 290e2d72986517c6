// One error type for everything a caller may be told. `code` is the stable machine-readable
// value (docs/protocol.md "Encodings"); `detail` is safe to show; internal causes never go here.

export const ERROR_STATUS = {
  invalid_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  csrf_failed: 403,
  two_factor_required: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  email_taken: 409,
  unsupported_media_type: 415,
  payload_too_large: 413,
  rate_limited: 429,
  database_unavailable: 503,
  // docs/protocol.md section 2: refusals of a claim.
  session_not_found: 404,
  session_locked: 423,
  session_claimed: 409,
  claim_in_progress: 409,
  device_offline: 409,
  quota_exceeded: 403,
  device_owned_by_other: 409,
  not_owner: 403,
  claim_not_found: 404,
  // Provisioning calls of a device (section 1).
  invalid_session_token: 401,
  claim_ended: 409,
  proof_mismatch: 403,
  // Signed device requests (section 3).
  bad_signature: 401,
  stale_timestamp: 401,
  replayed_nonce: 401,
  credential_revoked: 401,
  unknown_credential: 401,
  device_not_found: 404,
  command_not_found: 404,
  command_expired: 409,
  // (1.2) Firmware updates (section 7).
  command_settled: 409,
  firmware_model_mismatch: 409,
  firmware_update_open: 409,
  device_not_active: 409,
  name_taken: 409,
  // A session start under the registry model policy (docs/protocol.md "Refusals").
  unknown_model: 403,
  firmware_not_allowed: 403,
  // Unsigned data from a legacy node (docs/legacy-ingest.md).
  legacy_not_accepted: 403,
  legacy_node_upgraded: 410,
  // docs/legacy-ingest.md "Node credentials": a node with a credential must present it.
  legacy_credential_required: 401,
  legacy_credential_invalid: 401,
  legacy_credential_revoked: 401,
  legacy_board_replaced: 410,
  // Studies (docs/studies.md).
  study_not_found: 404,
  consent_version_not_found: 404,
  consent_version_not_current: 409,
  consent_required: 403,
  study_required: 409,
  study_closed: 409,
  status_transition_not_allowed: 409,
  model_not_in_study: 403,
  // API tokens (docs/integrations.md).
  invalid_token: 401,
  insufficient_scope: 403,
  token_not_accepted: 401,
  // Webhooks (docs/integrations.md "Webhooks").
  destination_not_allowed: 422,
  subscription_disabled: 409,
  // Firmware images (docs/protocol.md section 7, the server's side).
  firmware_keys_not_configured: 409,
  firmware_model_unknown: 422,
  firmware_version_invalid: 422,
  firmware_version_exists: 409,
  firmware_image_exists: 409,
  firmware_too_large: 413,
  firmware_signature_invalid: 422,
  firmware_not_found: 404,
  firmware_yanked: 409,
  range_not_satisfiable: 416,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

const TITLES: Record<ErrorCode, string> = {
  invalid_request: "The request is not valid",
  unauthenticated: "Sign in required",
  forbidden: "Not allowed",
  csrf_failed: "Cross-site request refused",
  two_factor_required: "Two-factor sign-in required",
  not_found: "Not found",
  method_not_allowed: "Method not allowed",
  conflict: "Conflict",
  email_taken: "Email already in use",
  unsupported_media_type: "Unsupported media type",
  payload_too_large: "Request body too large",
  rate_limited: "Too many attempts",
  database_unavailable: "Database unavailable",
  session_not_found: "Provisioning session not found",
  session_locked: "Provisioning session locked",
  session_claimed: "Device already claimed",
  claim_in_progress: "Another claim is in progress",
  device_offline: "Device not connected",
  quota_exceeded: "Device limit reached",
  device_owned_by_other: "Device owned by another account",
  not_owner: "Not your device",
  claim_not_found: "Claim not found",
  invalid_session_token: "Invalid session token",
  claim_ended: "Claim already ended",
  proof_mismatch: "Device proof does not match",
  bad_signature: "Bad request signature",
  stale_timestamp: "Timestamp out of range",
  replayed_nonce: "Nonce already used",
  credential_revoked: "Credential revoked",
  unknown_credential: "Unknown credential",
  device_not_found: "Device not found",
  command_not_found: "Command not found",
  command_expired: "Command expired",
  command_settled: "Command already settled",
  firmware_model_mismatch: "Firmware for another model",
  firmware_update_open: "An update is already open",
  device_not_active: "Device not active",
  name_taken: "Name already used",
  unknown_model: "Unknown device model",
  firmware_not_allowed: "Firmware version not allowed",
  legacy_not_accepted: "Legacy data not accepted",
  legacy_node_upgraded: "Legacy node upgraded",
  legacy_credential_required: "Node user and password required",
  legacy_credential_invalid: "Wrong node user or password",
  legacy_credential_revoked: "Node password withdrawn",
  legacy_board_replaced: "Board replaced",
  study_not_found: "Study not found",
  consent_version_not_found: "Consent version not found",
  consent_version_not_current: "Not the current consent version",
  consent_required: "Consent required",
  study_required: "Say which study",
  study_closed: "Study not open",
  status_transition_not_allowed: "Status change not allowed",
  model_not_in_study: "Device model not used in this study",
  invalid_token: "API token not valid",
  insufficient_scope: "API token lacks the scope",
  token_not_accepted: "API tokens are not accepted here",
  destination_not_allowed: "Webhook destination not allowed",
  subscription_disabled: "Webhook subscription disabled",
  firmware_keys_not_configured: "No firmware keys configured",
  firmware_model_unknown: "Unknown device model",
  firmware_version_invalid: "Not a firmware version",
  firmware_version_exists: "Firmware version already uploaded",
  firmware_image_exists: "Firmware image already uploaded",
  firmware_too_large: "Firmware image too large",
  firmware_signature_invalid: "Firmware signature does not verify",
  firmware_not_found: "Firmware image not found",
  firmware_yanked: "Firmware image yanked",
  range_not_satisfiable: "Range not satisfiable",
  internal_error: "Something went wrong on our side",
};

/** A refusal code's title in plain words ("Credential revoked"), or null for a code not in the table. */
export function errorTitle(code: string): string | null {
  return code in TITLES ? TITLES[code as ErrorCode] : null;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly extra: {
      retryAfterSeconds?: number;
      errors?: { path: string; message: string }[];
      /** (1.1) the server's clock in a stale_timestamp refusal, covered by the answer's MAC and signature. */
      serverTime?: number;
      /** A 416's `Content-Range: bytes *\/<size>` (RFC 9110 section 15.5.17). */
      contentRange?: string;
    } = {},
  ) {
    super(`${code}: ${detail}`);
    this.name = "AppError";
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
  get title(): string {
    return TITLES[this.code];
  }
}

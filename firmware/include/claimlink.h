/*
 * libclaimlink: the device side of the Claimlink protocol, version 1.2: 1.1, the clock rule of
 * 1.2 for pinned devices, and firmware updates (section 7) (docs/protocol.md, the repo copy of
 * PROTOCOL.md; section numbers below are that document's).
 *
 * Portable C99. The library does no I/O, keeps no global state and never allocates: every
 * output goes to a caller-provided buffer with an explicit size. It builds requests (bodies,
 * headers) and checks answers; the caller moves the bytes, keeps the time and supplies random
 * bytes (see README.md, "Porting").
 *
 * Every function returns CL_OK (0) or a negative cl_err. On any error, outputs are
 * unspecified (possibly partly written) and must not be used.
 */
#ifndef CLAIMLINK_H
#define CLAIMLINK_H

#include <stddef.h>
#include <stdint.h>

#include "claimlink_crypto.h" /* cl_sha256_ctx */

#ifdef __cplusplus
extern "C" {
#endif

#define CL_PROTOCOL_VERSION "1.2"

/* Timing constants (PROTOCOL.md "Timing constants"): the firmware's own STEP and SKEW. */
#define CL_STEP_SECONDS 30u
#define CL_SKEW_SECONDS 300

/* Sizes in characters, without the terminating NUL; buffers are these + 1. */
#define CL_POP_LEN 26          /* base32 of 16 bytes */
#define CL_MAC_LEN 43          /* b64url of 32 bytes: proofs, MACs, request signatures */
#define CL_SID_MAX 64          /* sid is base32 of 16 bytes (26); room for a longer one */
#define CL_ID_MAX 64           /* clm_, dev_, crd_, cmd_ ids */
#define CL_TOKEN_MAX 128       /* sessionToken (43 today) */
#define CL_NONCE_MAX 64        /* b64url nonces: 16..48 bytes are 22..64 characters */
#define CL_NAME_MAX 128        /* device name, account display name (UTF-8 bytes) */
#define CL_CODE_MAX 48         /* problem+json `code` */
#define CL_TYPE_MAX 32         /* command type */
#define CL_PATH_MAX 255        /* pathAndQuery of a request */
#define CL_METHOD_MAX 7        /* GET, POST, ... */
#define CL_ORIGIN_MAX 200      /* "https://app.example.org" */
#define CL_QR_MAX (CL_ORIGIN_MAX + 7 + CL_SID_MAX + 1 + CL_POP_LEN) /* origin/claim#sid.pop */
#define CL_KID_LEN 16          /* hex of 8 bytes */
#define CL_AUTHORIZATION_MAX 320 /* Claimlink-HMAC credential=..., ts=..., nonce=..., sig=... */
#define CL_DEVICE_NONCE_BYTES 16 /* random bytes for deviceNonce (section 1) */
#define CL_REQUEST_NONCE_BYTES 16 /* random bytes for Claimlink-Nonce / HMAC nonce (>= 16) */

typedef enum {
  CL_OK = 0,
  CL_ERR_ARGUMENT = -1, /* a NULL pointer, an input out of its range or with forbidden characters */
  CL_ERR_BUFFER = -2,   /* an output buffer is too small */
  CL_ERR_PARSE = -3,    /* an answer is not the JSON (or header) the protocol describes */
  CL_ERR_MISMATCH = -4, /* a proof, MAC, bindMac or signature does not check */
  CL_ERR_REFUSED = -5,  /* an answer the device must not act on (claimUrl/step, nonce, ts, no MAC) */
  CL_ERR_CRYPTO = -6    /* the crypto backend failed */
} cl_err;

/* A short English name for an error code ("mismatch", ...), never NULL. */
const char *cl_strerror(int err);

/* ---------------------------------------------------------------- encodings */

/* base32, RFC 4648 alphabet, upper case, no padding. *out_len excludes the NUL (may be NULL). */
int cl_base32_encode(const uint8_t *in, size_t in_len, char *out, size_t out_size, size_t *out_len);
/* base64url, no padding. */
int cl_b64url_encode(const uint8_t *in, size_t in_len, char *out, size_t out_size, size_t *out_len);
/* Strict base64url decoding: no padding, no other characters, zero trailing bits. */
int cl_b64url_decode(const char *in, size_t in_len, uint8_t *out, size_t out_size, size_t *out_len);
/* Lower-case hex. */
int cl_hex_encode(const uint8_t *in, size_t in_len, char *out, size_t out_size);
int cl_hex_decode(const char *in, size_t in_len, uint8_t *out, size_t out_len);

/* 1 when the two byte strings are equal; time depends on the length only. */
int cl_ct_equal(const void *a, const void *b, size_t n);
/* Zeroes a secret in a way the compiler may not remove. */
void cl_wipe(void *p, size_t n);

/* ---------------------------------------------------------------- section 1: session and QR */

/*
 * The body of POST /api/v1/provisioning/sessions: {"model":"...","firmware":"..."}.
 * model must match [a-z0-9][a-z0-9-]{0,63}; firmware is 1..64 printable ASCII characters.
 */
int cl_build_session_body(const char *model, const char *firmware, char *out, size_t out_size,
                          size_t *out_len);

/* A started session (the 201 answer), as the device keeps it. */
typedef struct {
  char sid[CL_SID_MAX + 1];
  char session_token[CL_TOKEN_MAX + 1];
  int64_t server_time;
  uint32_t step;
} cl_session;

/*
 * Parses the 201 answer to the session start. (1.1) Refuses (CL_ERR_REFUSED) an answer whose
 * claimUrl is not exactly origin + "/claim" or whose step is not expected_step: the firmware
 * draws the QR from its own origin, never from the answer (section 1).
 */
int cl_parse_session(const char *body, size_t body_len, const char *origin, uint32_t expected_step,
                     cl_session *out);

/* T = floor(t / step); t must be >= 0. */
uint64_t cl_step_of(int64_t unix_seconds, uint32_t step);

/* PoP(T) = base32(first 16 bytes of HMAC(popSeed, "claimlink/1 pop\n" + sid + "\n" + T)). */
int cl_pop(const uint8_t pop_seed[32], const char *sid, uint64_t step_index, char out[CL_POP_LEN + 1]);

/* The QR link: origin + "/claim#" + sid + "." + pop (1.1: from the firmware's origin). */
int cl_qr_text(const char *origin, const char *sid, const char *pop, char *out, size_t out_size);

/* ---------------------------------------------------------------- section 1: the claim */

typedef enum {
  CL_STATE_WAITING = 1,
  CL_STATE_CHALLENGE,
  CL_STATE_CLAIMED,
  CL_STATE_EXPIRED,
  CL_STATE_LOCKED
} cl_state;

/* A poll answer (and the answer to the claim POST). Fields not in `state` are empty. */
typedef struct {
  cl_state state;
  /* challenge */
  char claim_id[CL_ID_MAX + 1];
  char nonce[CL_NONCE_MAX + 1];
  char server_proof[CL_MAC_LEN + 1];
  char display_name[CL_NAME_MAX + 1]; /* account.displayName, UTF-8, may be empty */
  /* claimed */
  char device_id[CL_ID_MAX + 1];
  char credential_id[CL_ID_MAX + 1];
  char name[CL_NAME_MAX + 1];
  char bind_mac[CL_MAC_LEN + 1];
} cl_poll_answer;

/*
 * Parses {"state": ...}. Ids must match [A-Za-z0-9_-]{1,64} and nonces/proofs be base64url,
 * so nothing from an unauthenticated answer can reach a request line, a header or a MAC
 * input with a '\n' in it.
 */
int cl_parse_poll(const char *body, size_t body_len, cl_poll_answer *out);

/* serverProof for a given PoP (section 1). */
int cl_server_proof(const char *pop, const char *sid, const char *claim_id, const char *nonce,
                    char out[CL_MAC_LEN + 1]);

/*
 * Checks a challenge against PoP(T) and PoP(T-1), in constant time per candidate. CL_OK with
 * the matching PoP in pop_out, or CL_ERR_MISMATCH: then answer pop_mismatch.
 */
int cl_match_challenge(const uint8_t pop_seed[32], const char *sid, uint64_t step_index,
                       const cl_poll_answer *challenge, char pop_out[CL_POP_LEN + 1]);

int cl_device_proof(const char *pop, const char *sid, const char *claim_id, const char *nonce,
                    const char *device_nonce, char out[CL_MAC_LEN + 1]);
int cl_device_secret(const char *pop, const char *sid, const char *claim_id, const char *nonce,
                     const char *device_nonce, uint8_t out[32]);
int cl_bind_mac(const uint8_t secret[32], const char *device_id, const char *credential_id,
                char out[CL_MAC_LEN + 1]);

/* What the device keeps after a claim (section 1, stored by the caller). */
typedef struct {
  char device_id[CL_ID_MAX + 1];
  char credential_id[CL_ID_MAX + 1];
  char name[CL_NAME_MAX + 1];
  uint8_t secret[32];
} cl_credential;

/* The device's half of an accepted claim, kept between the POST and its answer. */
typedef struct {
  char claim_id[CL_ID_MAX + 1];
  uint8_t secret[32]; /* deviceSecret; wiped by cl_accept_claimed */
} cl_pending_claim;

/*
 * The accepting answer: {"accept":true,"deviceNonce":"...","deviceProof":"..."} with
 * deviceNonce = b64url(rnd), and the derived deviceSecret in *pending. `pop` is the one
 * cl_match_challenge returned. Resend the same body if its answer is lost (section 1).
 */
int cl_build_claim_accept(const char *pop, const char *sid, const cl_poll_answer *challenge,
                          const uint8_t rnd[CL_DEVICE_NONCE_BYTES], char *body, size_t body_size,
                          size_t *body_len, cl_pending_claim *pending);

/* {"accept":false,"reason":"pop_mismatch"|"user_declined"} */
int cl_build_claim_refusal(const char *reason, char *body, size_t body_size, size_t *body_len);

/*
 * Completes a claim from a `claimed` answer: CL_OK and *out filled only if bindMac checks
 * (constant time) with the pending secret; CL_ERR_MISMATCH otherwise. Wipes pending->secret
 * in both cases.
 */
int cl_accept_claimed(const cl_poll_answer *answer, cl_pending_claim *pending, cl_credential *out);

/* ---------------------------------------------------------------- resuming after a power cut */

/*
 * What firmware persists so that a power cut in the middle of a claim or a re-provision
 * strands nothing (README.md, "What to persist"). Write it (cl_resume_encode, at most
 * CL_RESUME_MAX bytes) to flash at these moments, each write reaching flash before the
 * request that follows it:
 *
 *  1. Before acknowledging a `reprovision` command: flags |= CL_RESUME_REPROVISION and the
 *     command's id. After a reboot the device acknowledges it again (the same report is
 *     harmless) and re-provisions; a reboot never loses a requested re-provision.
 *  2. Before sending the accepting answer to a challenge: cl_resume_claim (flags |=
 *     CL_RESUME_CLAIM). After a reboot the device sends the same body to the same path again
 *     (section 1: the same POST answers the same 200), or polls the session, and completes the
 *     claim with cl_resume_accept_claimed: the credential the server bound is never lost.
 *  3. With the new credential, in the same write (one record, or the credential first and this
 *     after it): the record with CL_RESUME_CLAIM and CL_RESUME_REPROVISION cleared.
 *
 * deviceSecret is in it, as in the credential: store it as the credential (NVS encryption).
 * The encoding ends with a CRC-32, so a torn write decodes as CL_ERR_PARSE (treat as none).
 */
#define CL_RESUME_REPROVISION 1u /* a re-provision is asked for and not yet done */
#define CL_RESUME_CLAIM 2u       /* an accepting answer may have been sent; its credential not yet kept */
#define CL_RESUME_MAX                                                                                  \
  (3 + (1 + CL_ID_MAX) + (1 + CL_SID_MAX) + (1 + CL_TOKEN_MAX) + (1 + CL_ID_MAX) + (1 + CL_NONCE_MAX) + \
   (1 + CL_MAC_LEN) + 32 + 4) /* 472 */

typedef struct {
  unsigned flags;
  char command_id[CL_ID_MAX + 1]; /* the reprovision command to acknowledge again; may be empty */
  /* CL_RESUME_CLAIM: the session, the claim and the answer sent */
  char sid[CL_SID_MAX + 1];
  char session_token[CL_TOKEN_MAX + 1];
  char claim_id[CL_ID_MAX + 1];
  char device_nonce[CL_NONCE_MAX + 1];
  char device_proof[CL_MAC_LEN + 1];
  uint8_t secret[32]; /* deviceSecret */
} cl_resume;

/*
 * Accepts a challenge into the record (as cl_build_claim_accept does into a cl_pending_claim):
 * deviceNonce = b64url(rnd), deviceProof and deviceSecret, with the session's sid and token.
 * Persist the record, then send cl_resume_claim_body to cl_resume_claim_path.
 */
int cl_resume_claim(cl_resume *r, const char *sid, const char *session_token, const char *pop,
                    const cl_poll_answer *challenge, const uint8_t rnd[CL_DEVICE_NONCE_BYTES]);
/* {"accept":true,"deviceNonce":"...","deviceProof":"..."}: the same bytes every time. */
int cl_resume_claim_body(const cl_resume *r, char *body, size_t body_size, size_t *body_len);
/* /api/v1/provisioning/sessions/{sid}/claims/{claimId} */
int cl_resume_claim_path(const cl_resume *r, char *path, size_t path_size);
/*
 * Completes the claim from a `claimed` answer (to the POST or to a poll): CL_OK and *out only
 * if bindMac checks, and the claim part of the record is cleared; on CL_ERR_MISMATCH the
 * record is kept (a forged answer must not make the device forget the real claim).
 */
int cl_resume_accept_claimed(const cl_poll_answer *answer, cl_resume *r, cl_credential *out);
/* Forgets the claim part (the server refused the claim for good, or it was completed). */
void cl_resume_clear_claim(cl_resume *r);
/* To and from the bytes to store: CL_RESUME_MAX at most; out_size must be >= CL_RESUME_MAX. */
int cl_resume_encode(const cl_resume *r, uint8_t *out, size_t out_size, size_t *out_len);
int cl_resume_decode(const uint8_t *in, size_t len, cl_resume *out);

/* ---------------------------------------------------------------- sections 3 and 6: requests */

/*
 * What a device remembers about a request it sent, to check the answer: method, pathAndQuery
 * and the request nonce (Claimlink-Nonce, or the nonce of the Claimlink-HMAC authorization).
 */
typedef struct {
  char method[CL_METHOD_MAX + 1];
  char path[CL_PATH_MAX + 1];
  char nonce[CL_NONCE_MAX + 1];
  int is_signed; /* 1: Claimlink-HMAC, the answer must carry a valid response MAC */
} cl_request;

/*
 * An unsigned request (session start, poll, claim answer). (1.1) Fills req->nonce with
 * b64url(rnd), rnd_len 16..48 bytes; send it as the Claimlink-Nonce header.
 */
int cl_request_unsigned(cl_request *req, const char *method, const char *path, const uint8_t *rnd,
                        size_t rnd_len);

/*
 * A signed request (section 3): fills *req and writes the Authorization header value
 *   Claimlink-HMAC credential="...", ts="...", nonce="...", sig="..."
 * nonce = b64url(rnd), rnd_len 16..48; ts is the device's (corrected) unix time.
 */
int cl_request_signed(cl_request *req, const cl_credential *cred, const char *method, const char *path,
                      int64_t ts, const uint8_t *rnd, size_t rnd_len, const void *body, size_t body_len,
                      char *authorization, size_t authorization_size);

/* sig of section 3 alone (test vectors; cl_request_signed uses it). */
int cl_request_sig(const uint8_t secret[32], const char *method, const char *path, const char *ts,
                   const char *nonce, const void *body, size_t body_len, char out[CL_MAC_LEN + 1]);

/* Claimlink-Response-MAC expected for an answer (section 3). */
int cl_response_mac(const uint8_t secret[32], const char *request_nonce, int status, const void *body,
                    size_t body_len, char out[CL_MAC_LEN + 1]);

/* CL_OK when header (may be NULL: CL_ERR_MISMATCH) equals the expected MAC, in constant time. */
int cl_check_response_mac(const uint8_t secret[32], const char *request_nonce, int status,
                          const void *body, size_t body_len, const char *header);

/* ---------------------------------------------------------------- section 6: pinned keys */

typedef struct {
  uint8_t public_key[65]; /* 0x04 || X || Y */
  char kid[CL_KID_LEN + 1]; /* hex(first 8 bytes of SHA-256(publicKey)) */
} cl_pinned_key;

/* Loads a key from its b64url form (as /.well-known/claimlink publishes it) and computes kid. */
int cl_pinned_key_from_b64url(const char *b64url, cl_pinned_key *out);

typedef struct {
  char kid[CL_KID_LEN + 1];
  int64_t ts;
  char ts_text[21];
  uint8_t sig[64];
} cl_server_signature;

/* Parses a Claimlink-Signature value: keyid="<kid>", ts="<unix>", sig="<b64url of 64 bytes>". */
int cl_parse_server_signature(const char *header, cl_server_signature *out);

/*
 * Verifies a Claimlink-Signature over (method, path, request nonce or "-", status, ts, body)
 * with the pinned key whose kid it names. Does not check ts against a clock (see
 * cl_authenticate_answer). CL_OK, or CL_ERR_MISMATCH (also for an unknown kid).
 */
int cl_verify_server_signature(const cl_pinned_key *keys, size_t nkeys, const char *method,
                               const char *path, const char *request_nonce, int status,
                               const void *body, size_t body_len, const char *header,
                               cl_server_signature *parsed);

/* ---------------------------------------------------------------- answers */

/* An answer as the transport received it. Header values are NUL-terminated, or NULL if absent. */
typedef struct {
  int status;
  const char *body;
  size_t body_len;
  const char *signature;    /* Claimlink-Signature */
  const char *response_mac; /* Claimlink-Response-MAC */
} cl_answer;

#define CL_AUTH_MAC 1u /* the response MAC checked with the device secret (section 3) */
#define CL_AUTH_SIG 2u /* a pinned key's signature checked, with nonce and ts (section 6) */

/*
 * The device's trust settings: its pinned keys (none: 1.0 rules) and its clock. (1.2) The
 * clock no longer decides whether an answer is acted on (section 6); now and clock_set are
 * kept for the caller's cl_clock_needs_setting and for source compatibility.
 */
typedef struct {
  const cl_pinned_key *keys;
  size_t nkeys;
  int64_t now;   /* the device's unix time */
  int clock_set; /* 0 until the first authenticated time */
} cl_trust;

/*
 * Decides whether the device may act on an answer, before it parses the body:
 *  - with pinned keys, the signature must verify with a pinned key over this request's method,
 *    path and nonce (section 6). (1.2) Its ts is not compared with the device's clock: a
 *    verified answer is acted on whatever the clock says, and its ts is authenticated time
 *    (*sig_ts; see cl_clock_needs_setting);
 *  - for a signed request, a present response MAC must check, and a missing one is accepted
 *    only when a pinned signature checked (unknown_credential, section 3);
 *  - an unsigned request without pinned keys is accepted unauthenticated (1.0: the proofs and
 *    bindMac carry the trust), with *auth = 0.
 * CL_OK with *auth = CL_AUTH_* bits, or CL_ERR_MISMATCH / CL_ERR_REFUSED / CL_ERR_PARSE.
 * secret is the credential's secret for a signed request, else NULL. If sig_ts is not NULL it
 * receives the signature's ts (0 when none checked).
 */
int cl_authenticate_answer(const cl_request *req, const cl_answer *ans, const uint8_t *secret,
                           const cl_trust *trust, unsigned *auth, int64_t *sig_ts);

/*
 * (1.2) 1 when the device should set its clock to authenticated_time (a verified signature's
 * ts, or serverTime in an answer whose response MAC or signature checked): its clock is not
 * set, or differs from it by more than SKEW (section 6). 0 otherwise, and for a time <= 0.
 */
int cl_clock_needs_setting(int clock_set, int64_t now, int64_t authenticated_time);

/* An application/problem+json refusal: its `code` and (1.1) `serverTime` when present. */
typedef struct {
  char code[CL_CODE_MAX + 1];
  int has_server_time;
  int64_t server_time;
} cl_problem;

int cl_parse_problem(const char *body, size_t body_len, cl_problem *out);

/*
 * 1 when the device may forget its credential on this refusal: credential_revoked with a valid
 * response MAC (auth has CL_AUTH_MAC). Otherwise 0, a signed unknown_credential included: keep
 * the credential and re-provision signed with it (section 3, 1.1; docs/protocol.md Notes 8).
 */
int cl_may_forget_credential(const cl_problem *problem, unsigned auth);

/* ---------------------------------------------------------------- section 4: device API */

typedef struct {
  char id[CL_ID_MAX + 1];
  char type[CL_TYPE_MAX + 1];
  const char *params; /* the raw JSON of params, pointing into the body; "{}" if absent */
  size_t params_len;
  int64_t expires_at; /* (1.1) expiresAt in unix seconds; 0 when absent (a 1.0 server) */
} cl_command;

/*
 * (1.1) A command whose expiresAt has passed on the device's clock must not be carried out
 * (section 4): 1 when expired, 0 otherwise (also when the server sent no expiresAt).
 */
int cl_command_expired(const cl_command *command, int64_t now);

/*
 * An RFC 3339 UTC time as the server writes it, "2026-11-23T00:15:00Z" (fractional seconds
 * allowed, upper-case T and Z only), to unix seconds (the fraction dropped).
 */
int cl_parse_rfc3339(const char *text, int64_t *unix_seconds);

/*
 * Parses GET /api/v1/devices/me: the measurement interval (0 if absent) and the number of
 * commands. Commands are then read one by one with cl_profile_command.
 */
int cl_parse_profile(const char *body, size_t body_len, uint32_t *interval_seconds, size_t *ncommands);
int cl_profile_command(const char *body, size_t body_len, size_t index, cl_command *out);

/* {"status":"done"|"failed"} (detail: optional, printable ASCII, may be NULL). */
int cl_build_command_ack(const char *status, const char *detail, char *out, size_t out_size,
                         size_t *out_len);

/* Parses the 200 answer to measurements: accepted, duplicates, number of rejected items. */
int cl_parse_measurements_answer(const char *body, size_t body_len, uint32_t *accepted,
                                 uint32_t *duplicates, uint32_t *rejected);

/*
 * (1.2) An acknowledgement that also reports the firmware now running (section 7):
 * {"status":...,"detail":...,"firmware":...}. status is "done", "failed" or "in_progress";
 * detail and firmware may be NULL (firmware: at most 64 printable ASCII characters).
 */
int cl_build_firmware_ack(const char *status, const char *detail, const char *firmware, char *out,
                          size_t out_size, size_t *out_len);

/* ---------------------------------------------------------------- section 7: firmware updates */

#define CL_FW_VERSION_MAX 64 /* MAJOR.MINOR.PATCH-pre: 17 + 1 + 32 at most; room for the text checked */
#define CL_FW_PRE_MAX 32
#define CL_FW_URL_MAX 512
#define CL_FW_MODEL_MAX 64

/* The outcome of the device's checks, in the protocol's order (section 7). */
typedef enum {
  CL_FW_OK = 0,
  CL_FW_WRONG_MODEL,    /* 1. params.model is not this device's */
  CL_FW_BAD_SIGNATURE,  /* 2. no pinned firmware key named, or sig does not verify over firmwareSigned */
  CL_FW_DOWNGRADE,      /* 3. params.version does not order above the running version */
  CL_FW_TOO_LARGE,      /* 4. params.size does not fit the update partition */
  CL_FW_HASH_MISMATCH,  /* 5. the downloaded image's SHA-256 is not params.sha256 */
  CL_FW_DOWNLOAD_FAILED, /* 5. the download gave up (or the command names no URL) */
  CL_FW_ROLLED_BACK     /* 7. the new image did not start; the old one runs */
} cl_fw_result;

/* The code a device reports for a result ("wrong_model", ...; "ok" for CL_FW_OK), never NULL. */
const char *cl_fw_code(cl_fw_result result);

/* A version of section 7: MAJOR.MINOR.PATCH (each <= 65535) and an optional pre-release. */
typedef struct {
  uint16_t major, minor, patch;
  char pre[CL_FW_PRE_MAX + 1]; /* "" for a release */
} cl_fw_version;

/*
 * Parses MAJOR.MINOR.PATCH[-pre]: decimal without leading zeros, each at most 65535, pre
 * [0-9A-Za-z.]{1,32}. Also refuses what Semantic Versioning 2.0 cannot order: an empty
 * pre-release identifier or a numeric one with a leading zero. CL_OK or CL_ERR_PARSE.
 */
int cl_fw_parse_version(const char *text, cl_fw_version *out);
/* <0, 0, >0 as a orders below, equal to or above b (Semantic Versioning 2.0, section 11). */
int cl_fw_compare_versions(const cl_fw_version *a, const cl_fw_version *b);

/*
 * firmwareSigned = "claimlink/1 firmware\n" + model + "\n" + version + "\n" + size + "\n" + sha256_hex
 * into out (NUL-terminated), or its SHA-256 (what the signature is over) without a buffer.
 */
int cl_fw_signed_text(const char *model, const char *version, uint64_t size, const char *sha256_hex, char *out,
                      size_t out_size);
int cl_fw_signed_hash(const char *model, const char *version, uint64_t size, const char *sha256_hex,
                      uint8_t hash[32]);

/*
 * Verifies a firmwareSig (r || s) with the pinned firmware key whose kid is given (keys are
 * cl_pinned_key: the kid rule is section 6's, cl_pinned_key_from_b64url computes it).
 * CL_OK, or CL_ERR_MISMATCH (also for a kid this firmware does not pin).
 */
int cl_fw_verify_signature(const cl_pinned_key *keys, size_t nkeys, const char *kid, const uint8_t sig[64],
                           const char *model, const char *version, uint64_t size, const char *sha256_hex);

/* What the device knows about itself for the checks. */
typedef struct {
  const char *model;            /* its model (section 1) */
  const char *running;          /* the version it runs; must parse */
  const cl_pinned_key *keys;    /* the firmware keys pinned in this firmware */
  size_t nkeys;
  uint64_t partition_size;      /* bytes its update partition holds */
} cl_fw_device;

/* An update_firmware command's params once checked. */
typedef struct {
  char model[CL_FW_MODEL_MAX + 1];
  char version[CL_FW_VERSION_MAX + 1];
  uint64_t size;
  char sha256_hex[65];
  uint8_t sha256[32];
  char kid[CL_KID_LEN + 1];
  uint8_t sig[64];
  char url[CL_FW_URL_MAX + 1];
} cl_fw_update;

/*
 * The device's checks 1 to 4 of section 7, in order, over a command's params (raw JSON):
 * model, then the signature by a pinned firmware key (params that cannot make firmwareSigned
 * count as unsigned: CL_FW_BAD_SIGNATURE), then the version order, then the size. *result is
 * the first that fails, else CL_FW_OK with *out filled (a command without a url is
 * CL_FW_DOWNLOAD_FAILED). Returns CL_OK whenever *result is set; CL_ERR_ARGUMENT when the
 * device's own description is wrong (its running version does not parse).
 */
int cl_fw_check_update(const char *params, size_t params_len, const cl_fw_device *device, cl_fw_update *out,
                       cl_fw_result *result);

/*
 * Check 5: the image as it is written, exactly size bytes hashed in order through the crypto
 * backend. After a cut, the download goes on from offset (cl_fw_image_range); after a reboot,
 * begin again and write what the partition already holds, then go on.
 */
typedef struct {
  cl_sha256_ctx sha;
  uint64_t size;
  uint64_t offset; /* bytes hashed so far */
} cl_fw_image;

int cl_fw_image_begin(cl_fw_image *img, uint64_t size);
/* CL_ERR_BUFFER (nothing hashed) when the bytes would pass size: a server that sends more is wrong. */
int cl_fw_image_write(cl_fw_image *img, const void *p, size_t n);
/* The Range header value for the rest, "bytes=<offset>-<size - 1>"; CL_ERR_ARGUMENT when nothing is missing. */
int cl_fw_image_range(const cl_fw_image *img, char *out, size_t out_size);
/* CL_FW_OK when all size bytes hash to expected; CL_FW_HASH_MISMATCH; CL_FW_DOWNLOAD_FAILED when short. */
int cl_fw_image_finish(cl_fw_image *img, const uint8_t expected[32], cl_fw_result *result);

/* ---------------------------------------------------------------- retries */

/*
 * One retry policy for every request the device repeats (a session start, a poll, a claim
 * answer, readings): exponential backoff with full jitter and a cap, never sooner than the
 * server's Retry-After. Full jitter means the wait is uniform in [0, min(cap, base * 2^n)]
 * after the n-th failure in a row, so a fleet that lost the network at once comes back spread
 * over the whole window, not as a synchronised flood. 12 bytes; no clock, no randomness of
 * its own: the caller passes a fresh random 32-bit value each time.
 */
typedef struct {
  uint32_t base_ms; /* the first window */
  uint32_t cap_ms;  /* the largest window */
  uint32_t attempt; /* failures in a row */
} cl_backoff;

#define CL_BACKOFF_LIMIT_MS 86400000u /* no wait is longer than a day */

void cl_backoff_init(cl_backoff *b, uint32_t base_ms, uint32_t cap_ms);
/* After a success: the next failure starts again at base_ms. */
void cl_backoff_reset(cl_backoff *b);
/* The current window, min(cap, base * 2^attempt), in ms. */
uint32_t cl_backoff_window(const cl_backoff *b);
/*
 * The wait before the next attempt, in ms, and counts one more failure: uniform in
 * [0, window] from random32, plus retry_after_seconds * 1000 when the server sent Retry-After
 * (<= 0: none). At most CL_BACKOFF_LIMIT_MS.
 */
uint32_t cl_backoff_next(cl_backoff *b, uint32_t random32, int64_t retry_after_seconds);
/*
 * A Retry-After value (RFC 9110): delta-seconds, or an IMF-fixdate turned into seconds from
 * now (the device's unix time; 0 when the date has passed).
 */
int cl_parse_retry_after(const char *value, int64_t now, int64_t *seconds);

/* ---------------------------------------------------------------- strict JSON scanner */

/*
 * A small, strict, non-allocating JSON reader (RFC 8259; nesting depth <= 16), used for
 * every answer above and usable for command params. A span is a value inside a document.
 */
typedef struct {
  const char *p;
  size_t n;
} cl_json_span;

/* CL_OK when the whole text is one valid JSON value. */
int cl_json_validate(const char *text, size_t len);
/*
 * Looks up a member of an object (the span of a validated object). CL_ERR_PARSE if absent or
 * present twice (a duplicate key could be read differently by the server and the device).
 */
int cl_json_member(cl_json_span object, const char *key, cl_json_span *value);
/* The element at index of an array span; CL_ERR_PARSE past its end. */
int cl_json_element(cl_json_span array, size_t index, cl_json_span *value);
/* Number of elements of an array span. */
int cl_json_count(cl_json_span array, size_t *count);
/* A string value, unescaped to UTF-8; refuses \u0000 and strings longer than out_size - 1. */
int cl_json_string(cl_json_span value, char *out, size_t out_size);
/* An integer value (no fraction, no exponent) within int64. */
int cl_json_int(cl_json_span value, int64_t *out);
/* 'o', 'a', 's', 'n' (number), 't', 'f', 'z' (null), or 0 if empty. */
char cl_json_kind(cl_json_span value);

#ifdef __cplusplus
}
#endif
#endif

/*
 * What a device keeps across a power cut in the middle of a claim or a re-provision (README.md,
 * "What to persist"): the accepting answer it sent, so that it can send the same bytes again
 * after a reboot (section 1: the same POST answers the same 200), and whether a re-provision
 * is still to be done. Encoded as a small binary record with a CRC, so a torn write reads as
 * no record rather than as a wrong one.
 */
#include "claimlink.h"
#include "internal.h"

#include <string.h>

#define RESUME_MAGIC 0xC1
#define RESUME_VERSION 1

static uint32_t crc32_of(const uint8_t *p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return ~c;
}

void cl_resume_clear_claim(cl_resume *r) {
  if (!r) return;
  r->flags &= ~CL_RESUME_CLAIM;
  cl_wipe(r->sid, sizeof r->sid);
  cl_wipe(r->session_token, sizeof r->session_token);
  cl_wipe(r->claim_id, sizeof r->claim_id);
  cl_wipe(r->device_nonce, sizeof r->device_nonce);
  cl_wipe(r->device_proof, sizeof r->device_proof);
  cl_wipe(r->secret, sizeof r->secret);
}

int cl_resume_claim(cl_resume *r, const char *sid, const char *session_token, const char *pop,
                    const cl_poll_answer *challenge, const uint8_t rnd[CL_DEVICE_NONCE_BYTES]) {
  int rc;
  if (!r || !sid || !session_token || !pop || !challenge || !rnd || challenge->state != CL_STATE_CHALLENGE)
    return CL_ERR_ARGUMENT;
  if (!cl_is_b64url(session_token, 1, CL_TOKEN_MAX)) return CL_ERR_ARGUMENT;
  cl_resume_clear_claim(r);
  rc = cl_b64url_encode(rnd, CL_DEVICE_NONCE_BYTES, r->device_nonce, sizeof r->device_nonce, NULL);
  if (rc == CL_OK) rc = cl_device_proof(pop, sid, challenge->claim_id, challenge->nonce, r->device_nonce, r->device_proof);
  if (rc == CL_OK)
    rc = cl_device_secret(pop, sid, challenge->claim_id, challenge->nonce, r->device_nonce, r->secret);
  if (rc == CL_OK) rc = cl_copy(r->sid, sizeof r->sid, sid);
  if (rc == CL_OK) rc = cl_copy(r->session_token, sizeof r->session_token, session_token);
  if (rc == CL_OK) rc = cl_copy(r->claim_id, sizeof r->claim_id, challenge->claim_id);
  if (rc != CL_OK) {
    cl_resume_clear_claim(r);
    return rc;
  }
  r->flags |= CL_RESUME_CLAIM;
  return CL_OK;
}

int cl_resume_claim_body(const cl_resume *r, char *body, size_t body_size, size_t *body_len) {
  cl_writer w;
  if (!r || !body || !(r->flags & CL_RESUME_CLAIM)) return CL_ERR_ARGUMENT;
  cl_w_init(&w, body, body_size);
  cl_w_str(&w, "{\"accept\":true,\"deviceNonce\":");
  cl_w_json_str(&w, r->device_nonce);
  cl_w_str(&w, ",\"deviceProof\":");
  cl_w_json_str(&w, r->device_proof);
  cl_w_str(&w, "}");
  return cl_w_end(&w, body_len);
}

int cl_resume_claim_path(const cl_resume *r, char *path, size_t path_size) {
  cl_writer w;
  if (!r || !path || !(r->flags & CL_RESUME_CLAIM)) return CL_ERR_ARGUMENT;
  cl_w_init(&w, path, path_size);
  cl_w_str(&w, "/api/v1/provisioning/sessions/");
  cl_w_str(&w, r->sid);
  cl_w_str(&w, "/claims/");
  cl_w_str(&w, r->claim_id);
  return cl_w_end(&w, NULL);
}

int cl_resume_accept_claimed(const cl_poll_answer *answer, cl_resume *r, cl_credential *out) {
  cl_pending_claim pending;
  int rc;
  if (!answer || !r || !out || !(r->flags & CL_RESUME_CLAIM)) return CL_ERR_ARGUMENT;
  memcpy(pending.claim_id, r->claim_id, sizeof pending.claim_id);
  memcpy(pending.secret, r->secret, sizeof pending.secret);
  rc = cl_accept_claimed(answer, &pending, out); /* wipes pending */
  /* A forged `claimed` leaves the record: the real answer can still complete the claim. */
  if (rc == CL_OK) cl_resume_clear_claim(r);
  return rc;
}

/* One length-prefixed field. */
static void put_field(uint8_t *out, size_t *at, const char *s) {
  size_t n = strlen(s);
  out[(*at)++] = (uint8_t)n;
  memcpy(out + *at, s, n);
  *at += n;
}

static int get_field(const uint8_t *in, size_t len, size_t *at, char *out, size_t out_size) {
  if (*at >= len) return CL_ERR_PARSE;
  size_t n = in[(*at)++];
  if (n >= out_size || *at + n > len) return CL_ERR_PARSE;
  memcpy(out, in + *at, n);
  out[n] = '\0';
  *at += n;
  return CL_OK;
}

int cl_resume_encode(const cl_resume *r, uint8_t *out, size_t out_size, size_t *out_len) {
  size_t at = 0;
  if (!r || !out || !out_len) return CL_ERR_ARGUMENT;
  if (out_size < CL_RESUME_MAX) return CL_ERR_BUFFER;
  if (r->command_id[0] && !cl_is_id(r->command_id, CL_ID_MAX)) return CL_ERR_ARGUMENT;
  if ((r->flags & CL_RESUME_CLAIM) &&
      (!cl_is_base32(r->sid, 1, CL_SID_MAX) || !cl_is_b64url(r->session_token, 1, CL_TOKEN_MAX) ||
       !cl_is_id(r->claim_id, CL_ID_MAX) || !cl_is_b64url(r->device_nonce, 1, CL_NONCE_MAX) ||
       !cl_is_b64url(r->device_proof, CL_MAC_LEN, CL_MAC_LEN)))
    return CL_ERR_ARGUMENT;
  out[at++] = RESUME_MAGIC;
  out[at++] = RESUME_VERSION;
  out[at++] = (uint8_t)(r->flags & (CL_RESUME_CLAIM | CL_RESUME_REPROVISION));
  put_field(out, &at, r->command_id);
  if (r->flags & CL_RESUME_CLAIM) {
    put_field(out, &at, r->sid);
    put_field(out, &at, r->session_token);
    put_field(out, &at, r->claim_id);
    put_field(out, &at, r->device_nonce);
    put_field(out, &at, r->device_proof);
    memcpy(out + at, r->secret, 32);
    at += 32;
  }
  uint32_t c = crc32_of(out, at);
  for (int i = 0; i < 4; i++) out[at++] = (uint8_t)(c >> (8 * i));
  *out_len = at;
  return CL_OK;
}

int cl_resume_decode(const uint8_t *in, size_t len, cl_resume *out) {
  size_t at = 3;
  int rc;
  if (!in || !out) return CL_ERR_ARGUMENT;
  memset(out, 0, sizeof *out);
  if (len < 8 || len > CL_RESUME_MAX || in[0] != RESUME_MAGIC || in[1] != RESUME_VERSION) return CL_ERR_PARSE;
  uint32_t c = (uint32_t)in[len - 4] | (uint32_t)in[len - 3] << 8 | (uint32_t)in[len - 2] << 16 |
               (uint32_t)in[len - 1] << 24;
  if (crc32_of(in, len - 4) != c) return CL_ERR_PARSE; /* a torn or stale write */
  len -= 4;
  out->flags = in[2];
  if (out->flags & ~(unsigned)(CL_RESUME_CLAIM | CL_RESUME_REPROVISION)) rc = CL_ERR_PARSE;
  else rc = get_field(in, len, &at, out->command_id, sizeof out->command_id);
  if (rc == CL_OK && out->command_id[0] && !cl_is_id(out->command_id, CL_ID_MAX)) rc = CL_ERR_PARSE;
  if (rc == CL_OK && (out->flags & CL_RESUME_CLAIM)) {
    rc = get_field(in, len, &at, out->sid, sizeof out->sid);
    if (rc == CL_OK) rc = get_field(in, len, &at, out->session_token, sizeof out->session_token);
    if (rc == CL_OK) rc = get_field(in, len, &at, out->claim_id, sizeof out->claim_id);
    if (rc == CL_OK) rc = get_field(in, len, &at, out->device_nonce, sizeof out->device_nonce);
    if (rc == CL_OK) rc = get_field(in, len, &at, out->device_proof, sizeof out->device_proof);
    if (rc == CL_OK && at + 32 != len) rc = CL_ERR_PARSE;
    if (rc == CL_OK) memcpy(out->secret, in + at, 32), at += 32;
    if (rc == CL_OK && (!cl_is_base32(out->sid, 1, CL_SID_MAX) || !cl_is_b64url(out->session_token, 1, CL_TOKEN_MAX) ||
                        !cl_is_id(out->claim_id, CL_ID_MAX) || !cl_is_b64url(out->device_nonce, 1, CL_NONCE_MAX) ||
                        !cl_is_b64url(out->device_proof, CL_MAC_LEN, CL_MAC_LEN)))
      rc = CL_ERR_PARSE;
  }
  if (rc == CL_OK && at != len) rc = CL_ERR_PARSE;
  if (rc != CL_OK) cl_wipe(out, sizeof *out);
  return rc;
}

/*
 * The MACs and derivations of PROTOCOL.md sections 1 and 3: PoP, QR link, serverProof,
 * deviceProof, deviceSecret, bindMac, request signatures and response MACs.
 */
#include "claimlink.h"
#include "internal.h"

#include <string.h>

/* ---------------------------------------------------------------- bounded writer */

void cl_w_init(cl_writer *w, char *out, size_t size) {
  w->out = out;
  w->size = size;
  w->len = 0;
  w->overflow = (out == NULL || size == 0);
  if (!w->overflow) out[0] = '\0';
}

void cl_w_str(cl_writer *w, const char *s) {
  size_t n = strlen(s);
  if (w->overflow || w->len + n + 1 > w->size) {
    w->overflow = 1;
    return;
  }
  memcpy(w->out + w->len, s, n + 1);
  w->len += n;
}

void cl_w_json_str(cl_writer *w, const char *s) {
  char one[2] = {0, 0};
  cl_w_str(w, "\"");
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') cl_w_str(w, "\\");
    one[0] = *s;
    cl_w_str(w, one);
  }
  cl_w_str(w, "\"");
}

int cl_w_end(cl_writer *w, size_t *out_len) {
  if (w->overflow) return CL_ERR_BUFFER;
  if (out_len) *out_len = w->len;
  return CL_OK;
}

/* ---------------------------------------------------------------- section 1 */

uint64_t cl_step_of(int64_t unix_seconds, uint32_t step) {
  if (unix_seconds < 0 || step == 0) return 0;
  return (uint64_t)unix_seconds / step;
}

int cl_pop(const uint8_t pop_seed[32], const char *sid, uint64_t step_index, char out[CL_POP_LEN + 1]) {
  char t[21];
  uint8_t mac[32];
  if (!pop_seed || !sid || !out || !cl_is_base32(sid, 1, CL_SID_MAX)) return CL_ERR_ARGUMENT;
  cl_u64_text(step_index, t);
  const char *fields[] = {"claimlink/1 pop", sid, t};
  int rc = cl_mac_fields(pop_seed, 32, fields, 3, mac);
  /* 16 bytes are 128 bits: 26 base32 characters, the last one carrying 3 bits. */
  if (rc == CL_OK) rc = cl_base32_encode(mac, 16, out, CL_POP_LEN + 1, NULL);
  cl_wipe(mac, sizeof mac);
  return rc;
}

int cl_qr_text(const char *origin, const char *sid, const char *pop, char *out, size_t out_size) {
  cl_writer w;
  if (!origin || !sid || !pop || !out) return CL_ERR_ARGUMENT;
  if (!cl_is_field(origin, CL_ORIGIN_MAX) || !cl_is_base32(sid, 1, CL_SID_MAX) ||
      !cl_is_base32(pop, CL_POP_LEN, CL_POP_LEN))
    return CL_ERR_ARGUMENT;
  /* (1.1) From the firmware's own origin, never the answer's claimUrl (section 1). */
  cl_w_init(&w, out, out_size);
  cl_w_str(&w, origin);
  cl_w_str(&w, "/claim#");
  cl_w_str(&w, sid);
  cl_w_str(&w, ".");
  cl_w_str(&w, pop);
  return cl_w_end(&w, NULL);
}

/* The inputs of every claim MAC: checked once so that no field can hold '\n' (Encodings). */
static int claim_inputs_ok(const char *pop, const char *sid, const char *claim_id, const char *nonce) {
  return pop && sid && claim_id && nonce && cl_is_base32(pop, CL_POP_LEN, CL_POP_LEN) &&
         cl_is_base32(sid, 1, CL_SID_MAX) && cl_is_id(claim_id, CL_ID_MAX) && cl_is_b64url(nonce, 1, CL_NONCE_MAX);
}

int cl_server_proof(const char *pop, const char *sid, const char *claim_id, const char *nonce,
                    char out[CL_MAC_LEN + 1]) {
  if (!out || !claim_inputs_ok(pop, sid, claim_id, nonce)) return CL_ERR_ARGUMENT;
  const char *fields[] = {"claimlink/1 server-proof", sid, claim_id, nonce};
  return cl_mac_b64((const uint8_t *)pop, CL_POP_LEN, fields, 4, out);
}

int cl_match_challenge(const uint8_t pop_seed[32], const char *sid, uint64_t step_index,
                       const cl_poll_answer *ch, char pop_out[CL_POP_LEN + 1]) {
  char candidate[CL_POP_LEN + 1], expected[CL_MAC_LEN + 1];
  int matched = 0, rc = CL_OK;
  if (!pop_seed || !sid || !ch || !pop_out) return CL_ERR_ARGUMENT;
  if (ch->state != CL_STATE_CHALLENGE || !cl_is_b64url(ch->server_proof, 1, CL_MAC_LEN)) return CL_ERR_ARGUMENT;
  int proof_len_ok = strlen(ch->server_proof) == CL_MAC_LEN;
  /* PoP(T) and PoP(T-1): at most 60 s old, nothing else remembered (section 1). Both are
     always computed, so the time taken does not say which one matched. */
  for (uint64_t back = 0; back < 2 && rc == CL_OK; back++) {
    if (step_index < back) break;
    rc = cl_pop(pop_seed, sid, step_index - back, candidate);
    if (rc == CL_OK) rc = cl_server_proof(candidate, sid, ch->claim_id, ch->nonce, expected);
    if (rc == CL_OK && proof_len_ok && cl_ct_equal(expected, ch->server_proof, CL_MAC_LEN) && !matched) {
      memcpy(pop_out, candidate, CL_POP_LEN + 1);
      matched = 1;
    }
  }
  cl_wipe(candidate, sizeof candidate);
  if (rc != CL_OK) return rc;
  return matched ? CL_OK : CL_ERR_MISMATCH;
}

int cl_device_proof(const char *pop, const char *sid, const char *claim_id, const char *nonce,
                    const char *device_nonce, char out[CL_MAC_LEN + 1]) {
  if (!out || !claim_inputs_ok(pop, sid, claim_id, nonce) || !device_nonce ||
      !cl_is_b64url(device_nonce, 1, CL_NONCE_MAX))
    return CL_ERR_ARGUMENT;
  const char *fields[] = {"claimlink/1 device-proof", sid, claim_id, nonce, device_nonce};
  return cl_mac_b64((const uint8_t *)pop, CL_POP_LEN, fields, 5, out);
}

int cl_device_secret(const char *pop, const char *sid, const char *claim_id, const char *nonce,
                     const char *device_nonce, uint8_t out[32]) {
  /* salt = nonce + "\n" + deviceNonce; info = "claimlink/1 device-secret\n" + sid + "\n" + claimId */
  char salt[2 * CL_NONCE_MAX + 2];
  char info[sizeof "claimlink/1 device-secret\n" + CL_SID_MAX + 1 + CL_ID_MAX];
  cl_writer ws, wi;
  size_t salt_len, info_len;
  if (!out || !claim_inputs_ok(pop, sid, claim_id, nonce) || !device_nonce ||
      !cl_is_b64url(device_nonce, 1, CL_NONCE_MAX))
    return CL_ERR_ARGUMENT;
  cl_w_init(&ws, salt, sizeof salt);
  cl_w_str(&ws, nonce);
  cl_w_str(&ws, "\n");
  cl_w_str(&ws, device_nonce);
  cl_w_init(&wi, info, sizeof info);
  cl_w_str(&wi, "claimlink/1 device-secret\n");
  cl_w_str(&wi, sid);
  cl_w_str(&wi, "\n");
  cl_w_str(&wi, claim_id);
  if (cl_w_end(&ws, &salt_len) || cl_w_end(&wi, &info_len)) return CL_ERR_BUFFER;
  if (cl_crypto_hkdf_sha256((const uint8_t *)pop, CL_POP_LEN, (const uint8_t *)salt, salt_len,
                            (const uint8_t *)info, info_len, out, 32))
    return CL_ERR_CRYPTO;
  return CL_OK;
}

int cl_bind_mac(const uint8_t secret[32], const char *device_id, const char *credential_id,
                char out[CL_MAC_LEN + 1]) {
  if (!secret || !out || !device_id || !credential_id || !cl_is_id(device_id, CL_ID_MAX) ||
      !cl_is_id(credential_id, CL_ID_MAX))
    return CL_ERR_ARGUMENT;
  const char *fields[] = {"claimlink/1 bind", device_id, credential_id};
  return cl_mac_b64(secret, 32, fields, 3, out);
}

int cl_build_claim_accept(const char *pop, const char *sid, const cl_poll_answer *ch,
                          const uint8_t rnd[CL_DEVICE_NONCE_BYTES], char *body, size_t body_size,
                          size_t *body_len, cl_pending_claim *pending) {
  char device_nonce[CL_NONCE_MAX + 1], proof[CL_MAC_LEN + 1];
  cl_writer w;
  if (!ch || !rnd || !body || !pending || ch->state != CL_STATE_CHALLENGE) return CL_ERR_ARGUMENT;
  int rc = cl_b64url_encode(rnd, CL_DEVICE_NONCE_BYTES, device_nonce, sizeof device_nonce, NULL);
  if (rc == CL_OK) rc = cl_device_proof(pop, sid, ch->claim_id, ch->nonce, device_nonce, proof);
  if (rc == CL_OK) rc = cl_device_secret(pop, sid, ch->claim_id, ch->nonce, device_nonce, pending->secret);
  if (rc == CL_OK) rc = cl_copy(pending->claim_id, sizeof pending->claim_id, ch->claim_id);
  if (rc == CL_OK) {
    cl_w_init(&w, body, body_size);
    cl_w_str(&w, "{\"accept\":true,\"deviceNonce\":");
    cl_w_json_str(&w, device_nonce);
    cl_w_str(&w, ",\"deviceProof\":");
    cl_w_json_str(&w, proof);
    cl_w_str(&w, "}");
    rc = cl_w_end(&w, body_len);
  }
  if (rc != CL_OK) cl_wipe(pending->secret, sizeof pending->secret);
  return rc;
}

int cl_build_claim_refusal(const char *reason, char *body, size_t body_size, size_t *body_len) {
  cl_writer w;
  if (!reason || !body) return CL_ERR_ARGUMENT;
  if (strcmp(reason, "pop_mismatch") != 0 && strcmp(reason, "user_declined") != 0) return CL_ERR_ARGUMENT;
  cl_w_init(&w, body, body_size);
  cl_w_str(&w, "{\"accept\":false,\"reason\":");
  cl_w_json_str(&w, reason);
  cl_w_str(&w, "}");
  return cl_w_end(&w, body_len);
}

int cl_accept_claimed(const cl_poll_answer *a, cl_pending_claim *pending, cl_credential *out) {
  char expected[CL_MAC_LEN + 1];
  int rc;
  if (!a || !pending || !out) return CL_ERR_ARGUMENT;
  if (a->state != CL_STATE_CLAIMED) {
    rc = CL_ERR_REFUSED;
  } else {
    rc = cl_bind_mac(pending->secret, a->device_id, a->credential_id, expected);
    /* Keep the credential only if bindMac checks (section 1). */
    if (rc == CL_OK && !(strlen(a->bind_mac) == CL_MAC_LEN && cl_ct_equal(expected, a->bind_mac, CL_MAC_LEN)))
      rc = CL_ERR_MISMATCH;
    if (rc == CL_OK) {
      memset(out, 0, sizeof *out);
      memcpy(out->secret, pending->secret, 32);
      rc = cl_copy(out->device_id, sizeof out->device_id, a->device_id);
      if (rc == CL_OK) rc = cl_copy(out->credential_id, sizeof out->credential_id, a->credential_id);
      if (rc == CL_OK) rc = cl_copy(out->name, sizeof out->name, a->name);
      if (rc != CL_OK) cl_wipe(out, sizeof *out);
    }
  }
  cl_wipe(pending->secret, sizeof pending->secret);
  return rc;
}

/* ---------------------------------------------------------------- section 3 */

static int request_inputs_ok(const char *method, const char *path) {
  size_t ml = method ? cl_strnlen(method, CL_METHOD_MAX + 1) : 0;
  if (ml == 0 || ml > CL_METHOD_MAX) return 0;
  for (size_t i = 0; i < ml; i++)
    if (method[i] < 'A' || method[i] > 'Z') return 0;
  /* pathAndQuery goes on the request line and into MAC inputs: visible ASCII only. */
  size_t pl = path ? cl_strnlen(path, CL_PATH_MAX + 1) : 0;
  if (pl == 0 || pl > CL_PATH_MAX || path[0] != '/') return 0;
  for (size_t i = 0; i < pl; i++)
    if ((unsigned char)path[i] <= 0x20 || (unsigned char)path[i] >= 0x7f) return 0;
  return 1;
}

static int request_init(cl_request *req, const char *method, const char *path, const uint8_t *rnd,
                        size_t rnd_len) {
  if (!req || !rnd || !request_inputs_ok(method, path)) return CL_ERR_ARGUMENT;
  /* (1.1) 16..48 random bytes (section 1); also >= 16 for a signed request (section 3). */
  if (rnd_len < 16 || rnd_len > 48) return CL_ERR_ARGUMENT;
  memset(req, 0, sizeof *req);
  memcpy(req->method, method, strlen(method) + 1);
  memcpy(req->path, path, strlen(path) + 1);
  return cl_b64url_encode(rnd, rnd_len, req->nonce, sizeof req->nonce, NULL);
}

int cl_request_unsigned(cl_request *req, const char *method, const char *path, const uint8_t *rnd,
                        size_t rnd_len) {
  int rc = request_init(req, method, path, rnd, rnd_len);
  if (rc == CL_OK) req->is_signed = 0;
  return rc;
}

int cl_request_sig(const uint8_t secret[32], const char *method, const char *path, const char *ts,
                   const char *nonce, const void *body, size_t body_len, char out[CL_MAC_LEN + 1]) {
  char body_hash[65];
  if (!secret || !ts || !nonce || !out || !request_inputs_ok(method, path)) return CL_ERR_ARGUMENT;
  if (!cl_is_b64url(nonce, 1, CL_NONCE_MAX) || !cl_is_field(ts, 20)) return CL_ERR_ARGUMENT;
  int rc = cl_sha256_hex(body, body_len, body_hash);
  if (rc) return rc;
  const char *fields[] = {"claimlink/1 request", method, path, ts, nonce, body_hash};
  return cl_mac_b64(secret, 32, fields, 6, out);
}

int cl_request_signed(cl_request *req, const cl_credential *cred, const char *method, const char *path,
                      int64_t ts, const uint8_t *rnd, size_t rnd_len, const void *body, size_t body_len,
                      char *authorization, size_t authorization_size) {
  char ts_text[21], sig[CL_MAC_LEN + 1];
  cl_writer w;
  if (!cred || !authorization || ts < 0 || !cl_is_id(cred->credential_id, CL_ID_MAX)) return CL_ERR_ARGUMENT;
  int rc = request_init(req, method, path, rnd, rnd_len);
  if (rc) return rc;
  req->is_signed = 1;
  cl_u64_text((uint64_t)ts, ts_text);
  rc = cl_request_sig(cred->secret, method, path, ts_text, req->nonce, body, body_len, sig);
  if (rc) return rc;
  cl_w_init(&w, authorization, authorization_size);
  cl_w_str(&w, "Claimlink-HMAC credential=\"");
  cl_w_str(&w, cred->credential_id);
  cl_w_str(&w, "\", ts=\"");
  cl_w_str(&w, ts_text);
  cl_w_str(&w, "\", nonce=\"");
  cl_w_str(&w, req->nonce);
  cl_w_str(&w, "\", sig=\"");
  cl_w_str(&w, sig);
  cl_w_str(&w, "\"");
  return cl_w_end(&w, NULL);
}

int cl_response_mac(const uint8_t secret[32], const char *request_nonce, int status, const void *body,
                    size_t body_len, char out[CL_MAC_LEN + 1]) {
  char body_hash[65], st[21];
  if (!secret || !request_nonce || !out || status < 100 || status > 999) return CL_ERR_ARGUMENT;
  if (!cl_is_b64url(request_nonce, 1, CL_NONCE_MAX)) return CL_ERR_ARGUMENT;
  int rc = cl_sha256_hex(body, body_len, body_hash);
  if (rc) return rc;
  cl_u64_text((uint64_t)status, st);
  const char *fields[] = {"claimlink/1 response", request_nonce, st, body_hash};
  return cl_mac_b64(secret, 32, fields, 4, out);
}

int cl_check_response_mac(const uint8_t secret[32], const char *request_nonce, int status,
                          const void *body, size_t body_len, const char *header) {
  char expected[CL_MAC_LEN + 1];
  int rc = cl_response_mac(secret, request_nonce, status, body, body_len, expected);
  if (rc) return rc;
  if (!header || cl_strnlen(header, CL_MAC_LEN + 1) != CL_MAC_LEN) return CL_ERR_MISMATCH;
  return cl_ct_equal(expected, header, CL_MAC_LEN) ? CL_OK : CL_ERR_MISMATCH;
}

/*
 * (1.1) Server signatures with pinned P-256 keys (section 6), and the one decision every
 * answer goes through before the device parses it: cl_authenticate_answer.
 */
#include "claimlink.h"
#include "internal.h"

#include <string.h>

int cl_pinned_key_from_b64url(const char *b64url, cl_pinned_key *out) {
  uint8_t h[32];
  size_t n = 0;
  if (!b64url || !out) return CL_ERR_ARGUMENT;
  memset(out, 0, sizeof *out);
  size_t len = cl_strnlen(b64url, 88);
  if (len != 87) return CL_ERR_PARSE; /* 65 bytes */
  if (cl_b64url_decode(b64url, len, out->public_key, sizeof out->public_key, &n) != CL_OK || n != 65 ||
      out->public_key[0] != 0x04)
    return CL_ERR_PARSE;
  /* kid = hex(first 8 bytes of SHA-256(publicKey)) */
  cl_chunk c = {out->public_key, 65};
  if (cl_crypto_sha256(&c, 1, h)) return CL_ERR_CRYPTO;
  return cl_hex_encode(h, 8, out->kid, sizeof out->kid);
}

/* One auth-param: name="value" (no escapes: none of our values may hold '"' or '\\'). */
static int next_param(const char **cursor, char *name, size_t name_size, char *value, size_t value_size) {
  const char *s = *cursor;
  size_t n = 0, v = 0;
  while (*s == ' ' || *s == ',') s++;
  if (!*s) return 0;
  while ((*s >= 'a' && *s <= 'z') && n + 1 < name_size) name[n++] = *s++;
  name[n] = '\0';
  if (n == 0 || *s++ != '=' || *s++ != '"') return -1;
  while (*s && *s != '"' && *s != '\\') {
    if (v + 1 >= value_size) return -1;
    value[v++] = *s++;
  }
  value[v] = '\0';
  if (*s++ != '"') return -1;
  if (*s && *s != ',' && *s != ' ') return -1;
  *cursor = s;
  return 1;
}

int cl_parse_server_signature(const char *header, cl_server_signature *out) {
  char name[16], value[100];
  int have_kid = 0, have_ts = 0, have_sig = 0, r;
  const char *cursor = header;
  if (!header || !out) return CL_ERR_ARGUMENT;
  memset(out, 0, sizeof *out);
  if (cl_strnlen(header, 512) >= 512) return CL_ERR_PARSE;
  while ((r = next_param(&cursor, name, sizeof name, value, sizeof value)) == 1) {
    size_t vl = strlen(value);
    if (strcmp(name, "keyid") == 0) {
      if (have_kid++ || vl != CL_KID_LEN) return CL_ERR_PARSE;
      for (size_t i = 0; i < vl; i++)
        if (!((value[i] >= '0' && value[i] <= '9') || (value[i] >= 'a' && value[i] <= 'f'))) return CL_ERR_PARSE;
      memcpy(out->kid, value, vl + 1);
    } else if (strcmp(name, "ts") == 0) {
      /* Decimal without leading zeros (Encodings), so the signed text is the header's text. */
      if (have_ts++ || vl == 0 || vl > 15 || (vl > 1 && value[0] == '0')) return CL_ERR_PARSE;
      int64_t t = 0;
      for (size_t i = 0; i < vl; i++) {
        if (value[i] < '0' || value[i] > '9') return CL_ERR_PARSE;
        t = t * 10 + (value[i] - '0');
      }
      out->ts = t;
      memcpy(out->ts_text, value, vl + 1);
    } else if (strcmp(name, "sig") == 0) {
      size_t n = 0;
      if (have_sig++ || vl != 86 || cl_b64url_decode(value, vl, out->sig, sizeof out->sig, &n) != CL_OK || n != 64)
        return CL_ERR_PARSE;
    }
    /* Other parameters are ignored: room for later versions. */
  }
  if (r < 0 || !have_kid || !have_ts || !have_sig) return CL_ERR_PARSE;
  return CL_OK;
}

/* SHA-256 of the signed text (section 6). A function of its own, never inlined, so that its
   buffers are off the stack before the ECDSA verification, the deepest call of the library
   (README.md, "Stack"). */
#if defined(__GNUC__)
#define CL_SIG_NOINLINE __attribute__((noinline))
#else
#define CL_SIG_NOINLINE
#endif
static CL_SIG_NOINLINE int signed_text_hash(const char *method, const char *path, const char *request_nonce, int status,
                            const char *ts_text, const void *body, size_t body_len, uint8_t hash[32]) {
  char body_hash[65], st[21];
  int rc = cl_sha256_hex(body, body_len, body_hash);
  if (rc) return rc;
  cl_u64_text((uint64_t)status, st);
  const char *fields[] = {"claimlink/1 server-signature\n", method, "\n", path, "\n", request_nonce, "\n",
                          st, "\n", ts_text, "\n", body_hash};
  cl_chunk parts[12];
  for (size_t i = 0; i < 12; i++) {
    parts[i].p = fields[i];
    parts[i].n = strlen(fields[i]);
  }
  return cl_crypto_sha256(parts, 12, hash) ? CL_ERR_CRYPTO : CL_OK;
}

/* The check itself, into the caller's parsed signature: no copy of it on the deepest path. */
static CL_SIG_NOINLINE int verify_into(const cl_pinned_key *keys, size_t nkeys, const char *method, const char *path,
                                       const char *request_nonce, int status, const void *body, size_t body_len,
                                       const char *header, cl_server_signature *sig) {
  const cl_pinned_key *key = NULL;
  uint8_t hash[32];
  if (!keys || !method || !path || !request_nonce || !header || status < 100 || status > 999)
    return CL_ERR_ARGUMENT;
  if (strchr(method, '\n') || strchr(path, '\n') || strchr(request_nonce, '\n')) return CL_ERR_ARGUMENT;
  int rc = cl_parse_server_signature(header, sig);
  if (rc) return rc;
  for (size_t i = 0; i < nkeys; i++)
    if (strcmp(keys[i].kid, sig->kid) == 0) key = &keys[i];
  if (!key) return CL_ERR_MISMATCH; /* not signed by a key this firmware trusts */
  rc = signed_text_hash(method, path, request_nonce, status, sig->ts_text, body, body_len, hash);
  if (rc) return rc;
  return cl_crypto_p256_verify(key->public_key, hash, sig->sig) == 0 ? CL_OK : CL_ERR_MISMATCH;
}

int cl_verify_server_signature(const cl_pinned_key *keys, size_t nkeys, const char *method, const char *path,
                               const char *request_nonce, int status, const void *body, size_t body_len,
                               const char *header, cl_server_signature *parsed) {
  cl_server_signature local;
  return verify_into(keys, nkeys, method, path, request_nonce, status, body, body_len, header,
                     parsed ? parsed : &local);
}

/* A 401 unknown_credential: the one answer to a signed request the server cannot MAC. Its own
   function, so that its problem buffer is not on the stack during the signature check. */
static CL_SIG_NOINLINE int is_unknown_credential(const cl_answer *ans) {
  cl_problem p;
  return ans->status == 401 && cl_parse_problem(ans->body, ans->body_len, &p) == CL_OK &&
         strcmp(p.code, "unknown_credential") == 0;
}

int cl_authenticate_answer(const cl_request *req, const cl_answer *ans, const uint8_t *secret,
                           const cl_trust *trust, unsigned *auth, int64_t *sig_ts) {
  unsigned got = 0;
  if (!req || !ans || !trust || !auth || (!ans->body && ans->body_len)) return CL_ERR_ARGUMENT;
  if (req->is_signed && !secret) return CL_ERR_ARGUMENT;
  *auth = 0;
  if (sig_ts) *sig_ts = 0;
  if (trust->nkeys > 0) {
    cl_server_signature sig;
    /* A device that pins keys acts on no answer without a valid signature (section 6). The
       signed text holds our own method, path and nonce: an answer to another request, or a
       replayed one, does not verify. */
    if (!ans->signature) return CL_ERR_REFUSED;
    const char *nonce = req->nonce[0] ? req->nonce : "-";
    int rc = verify_into(trust->keys, trust->nkeys, req->method, req->path, nonce, ans->status, ans->body,
                         ans->body_len, ans->signature, &sig);
    if (rc) return rc == CL_ERR_ARGUMENT ? rc : CL_ERR_MISMATCH;
    /* (1.2) ts is not compared with the device's clock: the nonce, fresh for this request,
       already makes a verified answer fresh, and refusing it for a drifted clock would also
       refuse the answer that sets the clock (section 6). ts is handed back as authenticated
       time; cl_clock_needs_setting says when to take it. */
    if (sig_ts) *sig_ts = sig.ts;
    got |= CL_AUTH_SIG;
  }
  if (req->is_signed) {
    /* Section 3: act on no answer whose response MAC fails. The signature never stands in for
       the MAC: it binds an answer to our nonce, which a signed request carries in clear, so
       anyone with a credential of their own can have the server sign, for our nonce, an answer
       about their device (docs/protocol.md, Notes 8). The one answer the server cannot MAC is
       `unknown_credential`; a pinned signature lets the device see it, and it proves only that
       the server said it to someone: never a reason to forget the credential. */
    if (ans->response_mac) {
      if (cl_check_response_mac(secret, req->nonce, ans->status, ans->body, ans->body_len, ans->response_mac))
        return CL_ERR_MISMATCH;
      got |= CL_AUTH_MAC;
    } else if (!(got & CL_AUTH_SIG) || !is_unknown_credential(ans)) {
      return CL_ERR_MISMATCH;
    }
  }
  *auth = got;
  return CL_OK;
}

int cl_clock_needs_setting(int clock_set, int64_t now, int64_t authenticated_time) {
  if (authenticated_time <= 0) return 0;
  if (!clock_set) return 1;
  int64_t d = now - authenticated_time;
  return d > CL_SKEW_SECONDS || d < -CL_SKEW_SECONDS;
}

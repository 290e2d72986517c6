/*
 * One request and the decision whether its answer may be acted on: every answer goes through
 * cl_authenticate_answer before anything reads its body (sections 3 and 6).
 */
#include "device.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define HTTP_TIMEOUT_SECONDS 40 /* longer than a long poll (wait <= 30) */

static cl_trust trust_of(const device *d) {
  cl_trust t = {d->o.pins, d->o.npins, device_now(d), d->clock_set};
  return t;
}

/* (1.1) A device sets its clock only from an authenticated time (sections 3 and 6). */
void set_clock(device *d, int64_t server_time, const char *why) {
  int64_t offset = server_time - host_clock(d);
  if (!d->clock_set || offset != d->clock_offset)
    say("Clock set from %s (offset %lld s).\n", why, (long long)offset);
  d->clock_offset = offset;
  d->clock_set = 1;
}

/* (1.2) A verified signature's ts is authenticated time: taken when the clock is not set or is
   more than SKEW off it, so a drifted pinned device recovers at its next answer (section 6). */
static void clock_from_signature(device *d, unsigned auth, int64_t sig_ts) {
  if ((auth & CL_AUTH_SIG) && cl_clock_needs_setting(d->clock_set, device_now(d), sig_ts))
    set_clock(d, sig_ts, "the server's signature");
}

/*
 * An unsigned request (section 1) with a fresh Claimlink-Nonce. With pinned keys the answer's
 * signature must check over this request's method, path and nonce (section 6).
 */
int unsigned_call(device *d, const char *method, const char *path, const char *bearer, const char *body,
                  http_response *res, unsigned *auth) {
  cl_request req;
  uint8_t rnd[CL_REQUEST_NONCE_BYTES];
  char nonce_h[32 + CL_NONCE_MAX], auth_h[32 + CL_TOKEN_MAX];
  const char *headers[3] = {nonce_h, NULL, NULL};
  random_bytes(rnd, sizeof rnd);
  if (cl_request_unsigned(&req, method, path, rnd, sizeof rnd) != CL_OK) return -1;
  snprintf(nonce_h, sizeof nonce_h, "Claimlink-Nonce: %s", req.nonce);
  if (bearer) {
    snprintf(auth_h, sizeof auth_h, "Authorization: Bearer %s", bearer);
    headers[1] = auth_h;
  }
  if (http_request(&d->http, method, path, headers, body, body ? strlen(body) : 0, HTTP_TIMEOUT_SECONDS, d->buf,
                   sizeof d->buf, res))
    return -1;
  cl_answer a = {res->status, res->body, res->body_len, res->signature, res->response_mac};
  cl_trust t = trust_of(d);
  int64_t sig_ts;
  int rc = cl_authenticate_answer(&req, &a, NULL, &t, auth, &sig_ts);
  if (rc != CL_OK) {
    say("Not acting on the answer to %s %s: %s.\n", method, path,
        rc == CL_ERR_REFUSED && !res->signature ? "no Claimlink-Signature, and this device pins keys"
                                                : cl_strerror(rc));
    return -2;
  }
  clock_from_signature(d, *auth, sig_ts);
  return 0;
}

/*
 * A signed request (section 3). Acts on no answer whose response MAC (or, with pinned keys,
 * signature) fails. On stale_timestamp it takes the time from the authenticated answer's
 * serverTime (1.1) and retries once with a fresh nonce.
 */
int signed_call(device *d, const char *method, const char *path, const char *body, size_t body_len,
                http_response *res, unsigned *auth) {
  for (int attempt = 0; attempt < 2; attempt++) {
    cl_request req;
    uint8_t rnd[CL_REQUEST_NONCE_BYTES];
    char authz[CL_AUTHORIZATION_MAX], auth_h[CL_AUTHORIZATION_MAX + 32];
    const char *headers[] = {auth_h, NULL};
    random_bytes(rnd, sizeof rnd);
    if (cl_request_signed(&req, &d->cred, method, path, device_now(d), rnd, sizeof rnd, body, body_len, authz,
                          sizeof authz) != CL_OK)
      return -1;
    snprintf(auth_h, sizeof auth_h, "Authorization: %s", authz);
    if (http_request(&d->http, method, path, headers, body, body_len, HTTP_TIMEOUT_SECONDS, d->buf, sizeof d->buf,
                     res))
      return -1;
    cl_answer a = {res->status, res->body, res->body_len, res->signature, res->response_mac};
    cl_trust t = trust_of(d);
    int64_t sig_ts;
    int rc = cl_authenticate_answer(&req, &a, d->cred.secret, &t, auth, &sig_ts);
    if (rc != CL_OK) {
      say("Not acting on the answer %d to %s %s: %s.\n", res->status, method, path, cl_strerror(rc));
      return -2;
    }
    clock_from_signature(d, *auth, sig_ts);
    cl_problem p;
    if (res->status == 401 && attempt == 0 && cl_parse_problem(res->body, res->body_len, &p) == CL_OK &&
        strcmp(p.code, "stale_timestamp") == 0 && p.has_server_time) {
      set_clock(d, p.server_time, "an authenticated stale_timestamp refusal");
      continue;
    }
    return 0;
  }
  return 0;
}

void print_refusal(const char *what, const http_response *res) {
  cl_problem p;
  if (cl_parse_problem(res->body, res->body_len, &p) == CL_OK) say("%s refused: %d %s\n", what, res->status, p.code);
  else say("%s refused: %d\n", what, res->status);
}

int handle_credential_refusal(device *d, const http_response *res, unsigned auth) {
  cl_problem p;
  if (res->status != 401 || cl_parse_problem(res->body, res->body_len, &p) != CL_OK) return 0;
  if (strcmp(p.code, "credential_revoked") != 0 && strcmp(p.code, "unknown_credential") != 0) return 0;
  if (cl_may_forget_credential(&p, auth)) {
    say("This device's credential is %s (authenticated answer): forgetting it. Claim it again.\n", p.code);
    /* Unsent readings belong to the device record the server just disowned; a new claim may
       be another household's, so they go with the credential. */
    if (d->outbox.n) say("Dropping %zu unsent readings with it.\n", d->outbox.n);
    d->outbox.n = 0;
    cl_wipe(&d->cred, sizeof d->cred);
    d->has_cred = 0;
    remove(d->o.state_file);
  } else {
    /* (1.1) Keep it and re-provision signed with it; dropped only when a new one is bound. */
    say("Told %s without an authenticated answer: keeping the credential, re-provisioning.\n", p.code);
  }
  d->need_provision = 1;
  return 1;
}

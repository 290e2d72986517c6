/*
 * Device-side crypto of one claim handshake, timed on the host (README.md "Figures"):
 *  - hmac: PoP for the QR, the challenge check against PoP(T) and PoP(T-1), deviceProof,
 *    deviceSecret (HKDF), bindMac; then one signed request and its response MAC.
 *  - sig:  one pinned-key signature check (section 6); a 1.1 handshake with pinned keys checks
 *    one per answer (session start, each poll, the claim answer).
 */
#define _POSIX_C_SOURCE 200809L
#include "claimlink.h"
#include "claimlink_crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SID "MFRGGZDFMZTWQ2LKNNWG23TPOA"
#define SESSION_BODY                                                                                          \
  "{\"sid\":\"MFRGGZDFMZTWQ2LKNNWG23TPOA\",\"sessionToken\":\"c2Vzc2lvbi10b2tlbi0zMi1ieXRlcy1leGFtcGxlLTAx\"," \
  "\"claimUrl\":\"https://app.example.org/claim\",\"serverTime\":1795392000,\"step\":30,\"expiresAt\":"     \
  "\"2026-11-23T00:15:00Z\"}"
#define SIG_HEADER                                                                                  \
  "keyid=\"5ff04105fc2e52e4\", ts=\"1795392000\", sig=\"GNgNcclZOutP2qId_Bky_vlmgWwwpNjoAmbep4iFigxMc-" \
  "bsm1pHhYXQOYCOBGSHJyius4z3Ch4uNGF72VOaFA\""
#define PUBKEY "BKVi773iuJpyhJA5liUzqAMPQIWv4wKPXi4D7Fp73IgKhjwVmO666F00Htkb-Giec8TzQ322iG-VZzg9N9SkTV8"

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int handshake(const uint8_t seed[32]) {
  const uint64_t T = 59846400;
  char pop[CL_POP_LEN + 1], proof[CL_MAC_LEN + 1], body[256], authz[CL_AUTHORIZATION_MAX];
  size_t len;
  cl_poll_answer ch;
  cl_pending_claim pending;
  cl_credential cred;
  cl_request req;
  memset(&ch, 0, sizeof ch);
  ch.state = CL_STATE_CHALLENGE;
  strcpy(ch.claim_id, "clm_01JZ8Q4T9W6V3X2Y1Z0A5B7C8D");
  strcpy(ch.nonce, "c2VydmVyLWNoYWxsZW5nZS1ub25jZS0zMi1ieXRlcyE");
  if (cl_pop(seed, SID, T, pop)) return 1; /* the QR */
  /* The claimant typed last step's code: the worst case, both candidates computed anyway. */
  char prev[CL_POP_LEN + 1];
  if (cl_pop(seed, SID, T - 1, prev) || cl_server_proof(prev, SID, ch.claim_id, ch.nonce, ch.server_proof)) return 1;
  if (cl_match_challenge(seed, SID, T, &ch, pop)) return 1;
  if (cl_build_claim_accept(pop, SID, &ch, (const uint8_t *)"device-nonce-16b", body, sizeof body, &len, &pending))
    return 1;
  cl_poll_answer claimed;
  memset(&claimed, 0, sizeof claimed);
  claimed.state = CL_STATE_CLAIMED;
  strcpy(claimed.device_id, "dev_7KQ2M9XR");
  strcpy(claimed.credential_id, "crd_4FJ8W2PZ");
  if (cl_bind_mac(pending.secret, claimed.device_id, claimed.credential_id, claimed.bind_mac)) return 1;
  if (cl_accept_claimed(&claimed, &pending, &cred)) return 1;
  const char *m = "{\"measurements\":[{\"property\":\"temperature\",\"unit\":\"Cel\",\"time\":1795392030,\"value\":21.5}]}";
  if (cl_request_signed(&req, &cred, "POST", "/api/v1/devices/me/measurements", 1795392030,
                        (const uint8_t *)"request-nonce-16b", 17, m, strlen(m), authz, sizeof authz))
    return 1;
  const char *answer = "{\"accepted\":1,\"duplicates\":0,\"rejected\":[]}";
  if (cl_response_mac(cred.secret, req.nonce, 200, answer, strlen(answer), proof)) return 1;
  cl_answer a = {200, answer, strlen(answer), NULL, proof};
  cl_trust trust = {NULL, 0, 1795392030, 1};
  unsigned auth;
  return cl_authenticate_answer(&req, &a, cred.secret, &trust, &auth, NULL) != CL_OK || auth != CL_AUTH_MAC;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 2000, nsig = argc > 2 ? atoi(argv[2]) : 200;
  uint8_t seed[32];
  for (int i = 0; i < 32; i++) seed[i] = (uint8_t)i;
  if (handshake(seed)) {
    fprintf(stderr, "handshake failed\n");
    return 1;
  }
  double t0 = now_us();
  for (int i = 0; i < n; i++)
    if (handshake(seed)) return 1;
  double hmac_us = (now_us() - t0) / n;

  cl_pinned_key key;
  cl_request req;
  if (cl_pinned_key_from_b64url(PUBKEY, &key) ||
      cl_request_unsigned(&req, "POST", "/api/v1/provisioning/sessions", (const uint8_t *)"device-req-nonce1", 17))
    return 1;
  cl_answer a = {201, SESSION_BODY, strlen(SESSION_BODY), SIG_HEADER, NULL};
  cl_trust trust = {&key, 1, 1795392000, 1};
  unsigned auth;
  t0 = now_us();
  for (int i = 0; i < nsig; i++)
    if (cl_authenticate_answer(&req, &a, NULL, &trust, &auth, NULL) != CL_OK) return 1;
  double sig_us = (now_us() - t0) / nsig;
  printf("backend: %s\n", cl_crypto_backend_name());
  printf("handshake HMAC/HKDF crypto: %.1f us (mean of %d)\n", hmac_us, n);
  printf("pinned signature check: %.1f us (mean of %d)\n", sig_us, nsig);
  printf("1.1 handshake with pinned key (3 signed answers): %.1f us\n", hmac_us + 3 * sig_us);
  return 0;
}

/*
 * Unit tests: every test vector of PROTOCOL.md 1.1 ("Test vectors"), and the refusals a device
 * relies on (tampered proofs, MACs and signatures, wrong nonce, claimUrl/step mismatch).
 * Built once per crypto backend; `test_claimlink <group>` runs one group (ctest runs each).
 */
#include "claimlink.h"
#include "claimlink_crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;
static int checks;

#define CHECK(cond)                                                        \
  do {                                                                     \
    checks++;                                                              \
    if (!(cond)) {                                                         \
      failures++;                                                          \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                      \
  } while (0)
#define CHECK_RC(expr, want)                                                                      \
  do {                                                                                            \
    int rc_ = (expr);                                                                             \
    checks++;                                                                                     \
    if (rc_ != (want)) {                                                                          \
      failures++;                                                                                 \
      fprintf(stderr, "%s:%d: %s returned %d (%s), want %d\n", __FILE__, __LINE__, #expr, rc_, \
              cl_strerror(rc_), (int)(want));                                                     \
    }                                                                                             \
  } while (0)
#define CHECK_STR(got, want)                                                                            \
  do {                                                                                                  \
    checks++;                                                                                           \
    if (strcmp((got), (want)) != 0) {                                                                   \
      failures++;                                                                                       \
      fprintf(stderr, "%s:%d: %s is \"%s\", want \"%s\"\n", __FILE__, __LINE__, #got, (got), (want)); \
    }                                                                                                   \
  } while (0)

/* ---------------------------------------------------------------- the vectors */

static uint8_t SEED[32];
#define SID "MFRGGZDFMZTWQ2LKNNWG23TPOA"
#define T0 1795392000
#define STEP_T 59846400u
#define POP_T "W53B7GLAZNR4AYB3JAGRCVVAME"
#define POP_T1 "C7HHHXE4SN6QV76XC7FAIWUD7Q"
#define CLAIM_ID "clm_01JZ8Q4T9W6V3X2Y1Z0A5B7C8D"
#define NONCE "c2VydmVyLWNoYWxsZW5nZS1ub25jZS0zMi1ieXRlcyE"
#define SERVER_PROOF "-kHmFSaIpD76p1dYhhhK4YWj2Wl-E-8Dzu8NXceF2mg"
#define DEVICE_NONCE "ZGV2aWNlLW5vbmNlLTE2Yg"
#define DEVICE_PROOF "caUxHRtBQLISReeycb-Muh7SEUKru8Zg_1Tnh9bujCE"
#define SECRET_HEX "7cf0fedbd8904be7412215e083c750fdc96ceb6b9ad26fbdad8d10154f5ec722"
#define DEVICE_ID "dev_7KQ2M9XR"
#define CREDENTIAL_ID "crd_4FJ8W2PZ"
#define BIND_MAC "sMS5KQRvYB4-LmhyBP9WfGouEsLWG-dLc1Y1OoAlvOQ"
#define BODY "{\"measurements\":[{\"property\":\"temperature\",\"unit\":\"Cel\",\"time\":\"2026-11-23T00:00:00Z\",\"value\":21.5}]}"
#define BODY_SHA "d3d2bab368af9532e8244e8046e1a8825d7a06ded028cb64cb8e935101b426f6"
#define REQ_PATH "/api/v1/devices/me/measurements"
#define REQ_TS "1795392030"
#define REQ_NONCE "cmVxdWVzdC1ub25jZS0xNmI"
#define REQ_SIG "oKgMEv6o66qi7j6i3TNvc7aRmqOSKEqxLyLa_8dWIuA"
#define RESP_BODY "{\"accepted\":1,\"duplicates\":0}"
#define RESP_MAC "AOwuf22lFrts9OChK0PeP_GGQHyQtck-s1REG4VOu74"

#define PUBKEY "BKVi773iuJpyhJA5liUzqAMPQIWv4wKPXi4D7Fp73IgKhjwVmO666F00Htkb-Giec8TzQ322iG-VZzg9N9SkTV8"
#define KID "5ff04105fc2e52e4"
#define SESSION_BODY                                                                                          \
  "{\"sid\":\"MFRGGZDFMZTWQ2LKNNWG23TPOA\",\"sessionToken\":\"c2Vzc2lvbi10b2tlbi0zMi1ieXRlcy1leGFtcGxlLTAx\"," \
  "\"claimUrl\":\"https://app.example.org/claim\",\"serverTime\":1795392000,\"step\":30,\"expiresAt\":"     \
  "\"2026-11-23T00:15:00Z\"}"
#define SESSION_SHA "398e88bb8c34d30b68851d8d7c9441ff0e4909271430660eebcaddecd6797d2a"
#define SIG_NONCE "ZGV2aWNlLXJlcS1ub25jZTE"
#define SIG_TS "1795392000"
#define SIG_B64 "GNgNcclZOutP2qId_Bky_vlmgWwwpNjoAmbep4iFigxMc-bsm1pHhYXQOYCOBGSHJyius4z3Ch4uNGF72VOaFA"
#define SIG_HEADER "keyid=\"" KID "\", ts=\"" SIG_TS "\", sig=\"" SIG_B64 "\""

static void secret(uint8_t out[32]) {
  if (cl_hex_decode(SECRET_HEX, 64, out, 32) != CL_OK) abort();
}

static void sha_hex(const char *s, char out[65]) {
  uint8_t h[32];
  cl_chunk c = {s, strlen(s)};
  if (cl_crypto_sha256(&c, 1, h) || cl_hex_encode(h, 32, out, 65)) abort();
}

static cl_poll_answer challenge(void) {
  cl_poll_answer a;
  const char *json = "{\"state\":\"challenge\",\"claimId\":\"" CLAIM_ID "\",\"nonce\":\"" NONCE
                     "\",\"serverProof\":\"" SERVER_PROOF
                     "\",\"account\":{\"displayName\":\"A. de Vries\"},\"expiresAt\":\"2026-11-23T00:03:30Z\"}";
  if (cl_parse_poll(json, strlen(json), &a) != CL_OK) abort();
  return a;
}

static void test_vectors(void) {
  char pop[CL_POP_LEN + 1], mac[CL_MAC_LEN + 1], hex[65];
  uint8_t s[32], want[32];

  CHECK(cl_step_of(T0, 30) == STEP_T);
  CHECK_RC(cl_pop(SEED, SID, STEP_T, pop), CL_OK);
  CHECK_STR(pop, POP_T);
  CHECK_RC(cl_pop(SEED, SID, STEP_T - 1, pop), CL_OK);
  CHECK_STR(pop, POP_T1);

  CHECK_RC(cl_server_proof(POP_T, SID, CLAIM_ID, NONCE, mac), CL_OK);
  CHECK_STR(mac, SERVER_PROOF);
  CHECK_RC(cl_device_proof(POP_T, SID, CLAIM_ID, NONCE, DEVICE_NONCE, mac), CL_OK);
  CHECK_STR(mac, DEVICE_PROOF);
  CHECK_RC(cl_device_secret(POP_T, SID, CLAIM_ID, NONCE, DEVICE_NONCE, s), CL_OK);
  secret(want);
  CHECK(memcmp(s, want, 32) == 0);
  CHECK_RC(cl_bind_mac(s, DEVICE_ID, CREDENTIAL_ID, mac), CL_OK);
  CHECK_STR(mac, BIND_MAC);

  sha_hex(BODY, hex);
  CHECK_STR(hex, BODY_SHA);
  CHECK_RC(cl_request_sig(s, "POST", REQ_PATH, REQ_TS, REQ_NONCE, BODY, strlen(BODY), mac), CL_OK);
  CHECK_STR(mac, REQ_SIG);
  CHECK_RC(cl_response_mac(s, REQ_NONCE, 200, RESP_BODY, strlen(RESP_BODY), mac), CL_OK);
  CHECK_STR(mac, RESP_MAC);
  CHECK_RC(cl_check_response_mac(s, REQ_NONCE, 200, RESP_BODY, strlen(RESP_BODY), RESP_MAC), CL_OK);

  /* The backend's own HKDF and the generic one over HMAC agree (both backends run this). */
  uint8_t a[32], b[32];
  const char *salt = NONCE "\n" DEVICE_NONCE, *info = "claimlink/1 device-secret\n" SID "\n" CLAIM_ID;
  CHECK(cl_crypto_hkdf_sha256((const uint8_t *)POP_T, 26, (const uint8_t *)salt, strlen(salt),
                              (const uint8_t *)info, strlen(info), a, 32) == 0);
  CHECK(cl_hkdf_sha256_over_hmac((const uint8_t *)POP_T, 26, (const uint8_t *)salt, strlen(salt),
                                 (const uint8_t *)info, strlen(info), b, 32) == 0);
  CHECK(memcmp(a, b, 32) == 0 && memcmp(a, want, 32) == 0);

  /* RFC 4231 test case 6: an HMAC key longer than the block. */
  uint8_t key[131], out[32];
  memset(key, 0xaa, sizeof key);
  const char *m = "Test Using Larger Than Block-Size Key - Hash Key First";
  cl_chunk c = {m, strlen(m)};
  CHECK(cl_crypto_hmac_sha256(key, sizeof key, &c, 1, out) == 0);
  CHECK(cl_hex_encode(out, 32, hex, sizeof hex) == CL_OK);
  CHECK_STR(hex, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

/* The claim, as the host program runs it, on the vectors. */
static void test_claim_flow(void) {
  cl_poll_answer ch = challenge(), claimed;
  char pop[CL_POP_LEN + 1], body[256];
  size_t len;
  cl_pending_claim pending;
  cl_credential cred;

  CHECK_STR(ch.display_name, "A. de Vries");
  CHECK_RC(cl_match_challenge(SEED, SID, STEP_T, &ch, pop), CL_OK);
  CHECK_STR(pop, POP_T);
  /* A step later, the same claim is PoP(T-1): still accepted. Two steps later it is not. */
  CHECK_RC(cl_match_challenge(SEED, SID, STEP_T + 1, &ch, pop), CL_OK);
  CHECK_STR(pop, POP_T);
  CHECK_RC(cl_match_challenge(SEED, SID, STEP_T + 2, &ch, pop), CL_ERR_MISMATCH);
  CHECK_RC(cl_match_challenge(SEED, SID, STEP_T - 1, &ch, pop), CL_ERR_MISMATCH); /* a future PoP */

  /* A wrong serverProof (one character changed, or cut short) is pop_mismatch. */
  cl_poll_answer bad = ch;
  bad.server_proof[5] = bad.server_proof[5] == 'A' ? 'B' : 'A';
  CHECK_RC(cl_match_challenge(SEED, SID, STEP_T, &bad, pop), CL_ERR_MISMATCH);
  bad = ch;
  bad.server_proof[42] = '\0';
  CHECK_RC(cl_match_challenge(SEED, SID, STEP_T, &bad, pop), CL_ERR_MISMATCH);
  bad = ch;
  bad.nonce[0] = 'd'; /* the proof is over the nonce */
  CHECK_RC(cl_match_challenge(SEED, SID, STEP_T, &bad, pop), CL_ERR_MISMATCH);
  CHECK_RC(cl_build_claim_refusal("pop_mismatch", body, sizeof body, &len), CL_OK);
  CHECK_STR(body, "{\"accept\":false,\"reason\":\"pop_mismatch\"}");
  CHECK_RC(cl_build_claim_refusal("anything", body, sizeof body, &len), CL_ERR_ARGUMENT);

  const uint8_t *rnd = (const uint8_t *)"device-nonce-16b";
  CHECK_RC(cl_build_claim_accept(POP_T, SID, &ch, rnd, body, sizeof body, &len, &pending), CL_OK);
  CHECK_STR(body, "{\"accept\":true,\"deviceNonce\":\"" DEVICE_NONCE "\",\"deviceProof\":\"" DEVICE_PROOF "\"}");
  CHECK(len == strlen(body));
  CHECK_RC(cl_build_claim_accept(POP_T, SID, &ch, rnd, body, 40, &len, &pending), CL_ERR_BUFFER);

  const char *ok = "{\"state\":\"claimed\",\"deviceId\":\"" DEVICE_ID "\",\"credentialId\":\"" CREDENTIAL_ID
                   "\",\"name\":\"Living room\",\"bindMac\":\"" BIND_MAC "\"}";
  CHECK_RC(cl_parse_poll(ok, strlen(ok), &claimed), CL_OK);
  CHECK(claimed.state == CL_STATE_CLAIMED);
  cl_pending_claim copy;
  CHECK_RC(cl_build_claim_accept(POP_T, SID, &ch, rnd, body, sizeof body, &len, &pending), CL_OK);
  copy = pending;
  CHECK_RC(cl_accept_claimed(&claimed, &pending, &cred), CL_OK);
  CHECK_STR(cred.device_id, DEVICE_ID);
  CHECK_STR(cred.credential_id, CREDENTIAL_ID);
  CHECK_STR(cred.name, "Living room");
  uint8_t want[32];
  secret(want);
  CHECK(memcmp(cred.secret, want, 32) == 0);
  static const uint8_t zero[32];
  CHECK(memcmp(pending.secret, zero, 32) == 0); /* wiped */

  /* A forged or tampered claimed answer: the credential is not kept. */
  cl_poll_answer forged = claimed;
  strcpy(forged.device_id, "dev_ATTACKER");
  pending = copy;
  memset(&cred, 0, sizeof cred);
  CHECK_RC(cl_accept_claimed(&forged, &pending, &cred), CL_ERR_MISMATCH);
  CHECK(cred.device_id[0] == '\0');
  forged = claimed;
  forged.bind_mac[0] = 'X';
  pending = copy;
  CHECK_RC(cl_accept_claimed(&forged, &pending, &cred), CL_ERR_MISMATCH);
  /* The same answer with another secret (a device that never sent the proof). */
  pending = copy;
  pending.secret[0] ^= 1;
  CHECK_RC(cl_accept_claimed(&claimed, &pending, &cred), CL_ERR_MISMATCH);
}

/* Signed requests and response MACs, through cl_authenticate_answer. */
static void test_signed_requests(void) {
  cl_credential cred;
  cl_request req;
  char authz[CL_AUTHORIZATION_MAX];
  unsigned auth;
  cl_trust trust = {NULL, 0, T0 + 30, 1};
  memset(&cred, 0, sizeof cred);
  strcpy(cred.credential_id, CREDENTIAL_ID);
  secret(cred.secret);
  const uint8_t *rnd = (const uint8_t *)"request-nonce-16b";

  CHECK_RC(cl_request_signed(&req, &cred, "POST", REQ_PATH, 1795392030, rnd, 17, BODY, strlen(BODY), authz,
                             sizeof authz),
           CL_OK);
  CHECK_STR(authz, "Claimlink-HMAC credential=\"" CREDENTIAL_ID "\", ts=\"" REQ_TS "\", nonce=\"" REQ_NONCE
                   "\", sig=\"" REQ_SIG "\"");
  CHECK_STR(req.nonce, REQ_NONCE);
  CHECK(req.is_signed == 1);

  cl_answer ans = {200, RESP_BODY, strlen(RESP_BODY), NULL, RESP_MAC};
  CHECK_RC(cl_authenticate_answer(&req, &ans, cred.secret, &trust, &auth, NULL), CL_OK);
  CHECK(auth == CL_AUTH_MAC);

  /* Tampered body, status, MAC; no MAC; another request's nonce. */
  cl_answer t = ans;
  t.body = "{\"accepted\":2,\"duplicates\":0}";
  CHECK_RC(cl_authenticate_answer(&req, &t, cred.secret, &trust, &auth, NULL), CL_ERR_MISMATCH);
  t = ans;
  t.status = 201;
  CHECK_RC(cl_authenticate_answer(&req, &t, cred.secret, &trust, &auth, NULL), CL_ERR_MISMATCH);
  t = ans;
  t.response_mac = "AOwuf22lFrts9OChK0PeP_GGQHyQtck-s1REG4VOu75";
  CHECK_RC(cl_authenticate_answer(&req, &t, cred.secret, &trust, &auth, NULL), CL_ERR_MISMATCH);
  t = ans;
  t.response_mac = "AOwuf22lFrts9OChK0PeP_GGQHyQtck-s1REG4VOu7";
  CHECK_RC(cl_authenticate_answer(&req, &t, cred.secret, &trust, &auth, NULL), CL_ERR_MISMATCH);
  t = ans;
  t.response_mac = NULL;
  CHECK_RC(cl_authenticate_answer(&req, &t, cred.secret, &trust, &auth, NULL), CL_ERR_MISMATCH);
  cl_request other;
  CHECK_RC(cl_request_signed(&other, &cred, "POST", REQ_PATH, 1795392030, (const uint8_t *)"request-nonce-16c",
                             17, BODY, strlen(BODY), authz, sizeof authz),
           CL_OK);
  CHECK_RC(cl_authenticate_answer(&other, &ans, cred.secret, &trust, &auth, NULL), CL_ERR_MISMATCH);

  /* Only a MAC-verified revocation may drop the credential; a signature alone may not (a spliced
     answer), nor may an unauthenticated one, nor a signed unknown_credential. */
  cl_problem p;
  const char *revoked = "{\"type\":\"about:blank\",\"title\":\"Revoked\",\"status\":401,\"code\":\"credential_revoked\"}";
  CHECK_RC(cl_parse_problem(revoked, strlen(revoked), &p), CL_OK);
  CHECK_STR(p.code, "credential_revoked");
  CHECK(!p.has_server_time);
  CHECK(cl_may_forget_credential(&p, CL_AUTH_MAC) == 1);
  CHECK(cl_may_forget_credential(&p, CL_AUTH_SIG) == 0);
  CHECK(cl_may_forget_credential(&p, CL_AUTH_SIG | CL_AUTH_MAC) == 1);
  CHECK(cl_may_forget_credential(&p, 0) == 0);
  const char *stale = "{\"code\":\"stale_timestamp\",\"serverTime\":1795392000}";
  CHECK_RC(cl_parse_problem(stale, strlen(stale), &p), CL_OK);
  CHECK(p.has_server_time && p.server_time == T0);
  CHECK(cl_may_forget_credential(&p, CL_AUTH_MAC) == 0);

  /* Inputs that could break a request line or a MAC input are refused. */
  CHECK_RC(cl_request_signed(&req, &cred, "POST", "/a\nb", 1, rnd, 17, "", 0, authz, sizeof authz),
           CL_ERR_ARGUMENT);
  CHECK_RC(cl_request_signed(&req, &cred, "POST", "/a b", 1, rnd, 17, "", 0, authz, sizeof authz),
           CL_ERR_ARGUMENT);
  CHECK_RC(cl_request_signed(&req, &cred, "post", "/a", 1, rnd, 17, "", 0, authz, sizeof authz), CL_ERR_ARGUMENT);
  CHECK_RC(cl_request_signed(&req, &cred, "GET", "/a", 1, rnd, 15, "", 0, authz, sizeof authz), CL_ERR_ARGUMENT);
  CHECK_RC(cl_request_signed(&req, &cred, "GET", "/a", 1, rnd, 16, "", 0, authz, 40), CL_ERR_BUFFER);
  CHECK_RC(cl_request_unsigned(&req, "GET", "/x", rnd, 49), CL_ERR_ARGUMENT);
  CHECK_RC(cl_request_unsigned(&req, "GET", "/x", rnd, 16), CL_OK);
  CHECK(req.is_signed == 0 && strlen(req.nonce) == 22);
}

/* (1.1) Server signatures with a pinned key (section 6), the vector and its refusals. */
static void test_signature(void) {
  cl_pinned_key keys[2];
  cl_server_signature sig;
  char hex[65];
  unsigned auth;
  int64_t ts;

  CHECK_RC(cl_pinned_key_from_b64url(PUBKEY, &keys[0]), CL_OK);
  CHECK_STR(keys[0].kid, KID);
  sha_hex(SESSION_BODY, hex);
  CHECK_STR(hex, SESSION_SHA);

  CHECK_RC(cl_parse_server_signature(SIG_HEADER, &sig), CL_OK);
  CHECK_STR(sig.kid, KID);
  CHECK(sig.ts == T0);
  CHECK_RC(cl_verify_server_signature(keys, 1, "POST", "/api/v1/provisioning/sessions", SIG_NONCE, 201,
                                      SESSION_BODY, strlen(SESSION_BODY), SIG_HEADER, NULL),
           CL_OK);
  /* The same signature over the string with status 200 must not verify. */
  CHECK_RC(cl_verify_server_signature(keys, 1, "POST", "/api/v1/provisioning/sessions", SIG_NONCE, 200,
                                      SESSION_BODY, strlen(SESSION_BODY), SIG_HEADER, NULL),
           CL_ERR_MISMATCH);

  /* Through cl_authenticate_answer, as the device runs it. */
  cl_request req;
  CHECK_RC(cl_request_unsigned(&req, "POST", "/api/v1/provisioning/sessions", (const uint8_t *)"device-req-nonce1", 17),
           CL_OK);
  CHECK_STR(req.nonce, SIG_NONCE);
  cl_trust trust = {keys, 1, T0 + 10, 1};
  cl_answer ans = {201, SESSION_BODY, strlen(SESSION_BODY), SIG_HEADER, NULL};
  CHECK_RC(cl_authenticate_answer(&req, &ans, NULL, &trust, &auth, &ts), CL_OK);
  CHECK(auth == CL_AUTH_SIG && ts == T0);

  cl_answer t = ans;
  t.status = 200;
  CHECK_RC(cl_authenticate_answer(&req, &t, NULL, &trust, &auth, &ts), CL_ERR_MISMATCH);
  t = ans;
  t.body_len--; /* one byte less of body */
  CHECK_RC(cl_authenticate_answer(&req, &t, NULL, &trust, &auth, &ts), CL_ERR_MISMATCH);
  t = ans;
  t.signature = NULL; /* a pinning device acts on no unsigned answer */
  CHECK_RC(cl_authenticate_answer(&req, &t, NULL, &trust, &auth, &ts), CL_ERR_REFUSED);
  /* Another request's nonce: a replayed answer. */
  cl_request replay;
  CHECK_RC(cl_request_unsigned(&replay, "POST", "/api/v1/provisioning/sessions", (const uint8_t *)"device-req-nonce2",
                               17),
           CL_OK);
  CHECK_RC(cl_authenticate_answer(&replay, &ans, NULL, &trust, &auth, &ts), CL_ERR_MISMATCH);
  /* Another path or method. */
  cl_request path = req;
  strcpy(path.path, "/api/v1/provisioning/sessions/X");
  CHECK_RC(cl_authenticate_answer(&path, &ans, NULL, &trust, &auth, &ts), CL_ERR_MISMATCH);
  cl_request method = req;
  strcpy(method.method, "GET");
  CHECK_RC(cl_authenticate_answer(&method, &ans, NULL, &trust, &auth, &ts), CL_ERR_MISMATCH);
  /* A flipped bit in r, in s. */
  char tampered[sizeof SIG_HEADER];
  strcpy(tampered, SIG_HEADER);
  char *sigp = strstr(tampered, "sig=\"") + 5;
  sigp[3] = sigp[3] == 'A' ? 'B' : 'A';
  t = ans;
  t.signature = tampered;
  CHECK_RC(cl_authenticate_answer(&req, &t, NULL, &trust, &auth, &ts), CL_ERR_MISMATCH);
  strcpy(tampered, SIG_HEADER);
  sigp = strstr(tampered, "sig=\"") + 5;
  sigp[60] = sigp[60] == 'A' ? 'B' : 'A';
  CHECK_RC(cl_authenticate_answer(&req, &t, NULL, &trust, &auth, &ts), CL_ERR_MISMATCH);
  /* ts in the header is signed: changing it breaks the signature. */
  strcpy(tampered, SIG_HEADER);
  tampered[strstr(tampered, "ts=\"") - tampered + 13] = '1';
  CHECK_RC(cl_authenticate_answer(&req, &t, NULL, &trust, &auth, &ts), CL_ERR_MISMATCH);
  /* (1.2) A verified answer is acted on whatever the device's clock says (a clock 10 minutes
     off either way, or not set at all), and its ts is the authenticated time to set the clock
     from: a drifted pinned device recovers instead of refusing every answer (section 6). */
  int64_t clocks[] = {T0 + 600, T0 - 600, T0 + CL_SKEW_SECONDS + 1, T0 - CL_SKEW_SECONDS - 1, 0};
  for (size_t i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
    trust.now = clocks[i];
    trust.clock_set = clocks[i] != 0;
    ts = 0;
    CHECK_RC(cl_authenticate_answer(&req, &ans, NULL, &trust, &auth, &ts), CL_OK);
    CHECK(auth == CL_AUTH_SIG && ts == T0);
    CHECK(cl_clock_needs_setting(trust.clock_set, trust.now, ts) == 1);
  }
  /* Within SKEW the clock is left alone; a forged or absent time never sets it. */
  CHECK(cl_clock_needs_setting(1, T0 + CL_SKEW_SECONDS, T0) == 0);
  CHECK(cl_clock_needs_setting(1, T0 - CL_SKEW_SECONDS, T0) == 0);
  CHECK(cl_clock_needs_setting(1, T0, T0) == 0);
  CHECK(cl_clock_needs_setting(0, 0, 0) == 0);
  /* The drift does not open the door to anything else: a tampered answer is still refused. */
  trust.now = T0 + 600;
  t = ans;
  t.status = 200;
  CHECK_RC(cl_authenticate_answer(&req, &t, NULL, &trust, &auth, &ts), CL_ERR_MISMATCH);
  CHECK_RC(cl_authenticate_answer(&replay, &ans, NULL, &trust, &auth, &ts), CL_ERR_MISMATCH);
  trust.clock_set = 1;
  trust.now = T0;
  /* Only a key the firmware pinned: the vector key not pinned, another one is. */
  static const uint8_t G[65] = {
      0x04, 0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6, 0xe5, 0x63, 0xa4, 0x40, 0xf2,
      0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb, 0x33, 0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2, 0x96,
      0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb, 0x4a, 0x7c, 0x0f, 0x9e, 0x16,
      0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31, 0x5e, 0xce, 0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51, 0xf5};
  char g64[90];
  CHECK_RC(cl_b64url_encode(G, 65, g64, sizeof g64, NULL), CL_OK);
  CHECK_RC(cl_pinned_key_from_b64url(g64, &keys[1]), CL_OK);
  cl_trust other = {&keys[1], 1, T0, 1};
  CHECK_RC(cl_authenticate_answer(&req, &ans, NULL, &other, &auth, &ts), CL_ERR_MISMATCH);
  /* The right key under a kid that is not its own. */
  cl_pinned_key swapped[1] = {keys[0]};
  strcpy(swapped[0].kid, keys[1].kid);
  cl_trust wrong_kid = {swapped, 1, T0, 1};
  CHECK_RC(cl_authenticate_answer(&req, &ans, NULL, &wrong_kid, &auth, &ts), CL_ERR_MISMATCH);
  /* Two keys pinned (current and next): the signing one is found by its kid. */
  cl_pinned_key both[2] = {keys[1], keys[0]};
  cl_trust two = {both, 2, T0, 1};
  CHECK_RC(cl_authenticate_answer(&req, &ans, NULL, &two, &auth, &ts), CL_OK);
  /* An off-curve key is refused when verifying (the backend checks the point). */
  cl_pinned_key off = keys[0];
  off.public_key[64] ^= 1;
  CHECK(cl_crypto_p256_verify(off.public_key, (const uint8_t *)SESSION_SHA, sig.sig) != 0);

  /* Malformed headers. */
  CHECK_RC(cl_parse_server_signature("keyid=\"" KID "\", ts=\"" SIG_TS "\"", &sig), CL_ERR_PARSE);
  CHECK_RC(cl_parse_server_signature("keyid=\"" KID "\", ts=\"0" SIG_TS "\", sig=\"" SIG_B64 "\"", &sig), CL_ERR_PARSE);
  CHECK_RC(cl_parse_server_signature("keyid=\"" KID "\", keyid=\"" KID "\", ts=\"1\", sig=\"" SIG_B64 "\"", &sig),
           CL_ERR_PARSE);
  CHECK_RC(cl_parse_server_signature("keyid=\"" KID "\", ts=\"1\", sig=\"" SIG_B64 "AA\"", &sig), CL_ERR_PARSE);
  CHECK_RC(cl_parse_server_signature("keyid=" KID ", ts=\"1\", sig=\"" SIG_B64 "\"", &sig), CL_ERR_PARSE);
  CHECK_RC(cl_parse_server_signature("keyid=\"" KID "\", ts=\"1\", sig=\"" SIG_B64 "\", v=\"2\"", &sig), CL_OK);
  CHECK_RC(cl_pinned_key_from_b64url("BKVi", &keys[1]), CL_ERR_PARSE);

  /* Signed request + pinned key: a valid signature never replaces the response MAC (a spliced
     answer, docs/protocol.md Notes 8). The vector's 201 signed for this request's nonce but
     without a MAC is refused; only a signed 401 unknown_credential is seen without one. */
  cl_credential cred;
  cl_request sreq;
  char authz[CL_AUTHORIZATION_MAX];
  memset(&cred, 0, sizeof cred);
  strcpy(cred.credential_id, "crd_1");
  secret(cred.secret);
  CHECK_RC(cl_request_signed(&sreq, &cred, "POST", "/api/v1/provisioning/sessions", T0, (const uint8_t *)"device-req-nonce1",
                             17, "{}", 2, authz, sizeof authz),
           CL_OK);
  CHECK_STR(sreq.nonce, SIG_NONCE);
  CHECK_RC(cl_authenticate_answer(&sreq, &ans, cred.secret, &trust, &auth, &ts), CL_ERR_MISMATCH);
  const char *unknown = "{\"type\":\"about:blank\",\"title\":\"Unknown credential\",\"status\":401,"
                        "\"code\":\"unknown_credential\"}";
  cl_answer unk = {401, unknown, strlen(unknown),
                   "keyid=\"" KID "\", ts=\"" SIG_TS "\", sig=\"Qy25zVCUl_WgDMn23gQptDjiVbtfFqD6MKjLydGCCZMmcQPVHFc91vapiyDsnN36kYFuluiM_-MYzhy6Fv7Lfw\"",
                   NULL};
  CHECK_RC(cl_authenticate_answer(&sreq, &unk, cred.secret, &trust, &auth, &ts), CL_OK);
  CHECK(auth == CL_AUTH_SIG);
  unk.body_len--; /* the signature covers the body */
  CHECK_RC(cl_authenticate_answer(&sreq, &unk, cred.secret, &trust, &auth, &ts), CL_ERR_MISMATCH);
  t = ans;
  t.response_mac = RESP_MAC;
  CHECK_RC(cl_authenticate_answer(&sreq, &t, cred.secret, &trust, &auth, &ts), CL_ERR_MISMATCH);
  cl_trust none = {NULL, 0, T0, 1};
  CHECK_RC(cl_authenticate_answer(&sreq, &ans, cred.secret, &none, &auth, &ts), CL_ERR_MISMATCH);
  /* Without pinned keys an unsigned request's answer is accepted unauthenticated (1.0). */
  CHECK_RC(cl_authenticate_answer(&req, &ans, NULL, &none, &auth, &ts), CL_OK);
  CHECK(auth == 0);
}

/* (1.1) The session answer: claimUrl and step must be the firmware's own. */
static void test_answers(void) {
  cl_session s;
  const char *b = SESSION_BODY;
  size_t n = strlen(b);
  CHECK_RC(cl_parse_session(b, n, "https://app.example.org", 30, &s), CL_OK);
  CHECK_STR(s.sid, SID);
  CHECK_STR(s.session_token, "c2Vzc2lvbi10b2tlbi0zMi1ieXRlcy1leGFtcGxlLTAx");
  CHECK(s.server_time == T0 && s.step == 30);
  CHECK_RC(cl_parse_session(b, n, "https://evil.example.org", 30, &s), CL_ERR_REFUSED);
  CHECK_RC(cl_parse_session(b, n, "https://app.example.org/", 30, &s), CL_ERR_REFUSED);
  CHECK_RC(cl_parse_session(b, n, "https://app.example.org", 60, &s), CL_ERR_REFUSED);
  const char *tok = "{\"sid\":\"" SID "\",\"sessionToken\":\"abc\\r\\nX-Evil: 1\",\"claimUrl\":\"https://app.example.org/claim\",\"serverTime\":1,\"step\":30}";
  CHECK_RC(cl_parse_session(tok, strlen(tok), "https://app.example.org", 30, &s), CL_ERR_PARSE);
  const char *lower = "{\"sid\":\"mfrg\",\"sessionToken\":\"abc\",\"claimUrl\":\"https://app.example.org/claim\",\"serverTime\":1,\"step\":30}";
  CHECK_RC(cl_parse_session(lower, strlen(lower), "https://app.example.org", 30, &s), CL_ERR_PARSE);

  char body[200];
  size_t len;
  CHECK_RC(cl_build_session_body("coreink-heat", "1.4.2", body, sizeof body, &len), CL_OK);
  CHECK_STR(body, "{\"model\":\"coreink-heat\",\"firmware\":\"1.4.2\"}");
  CHECK_RC(cl_build_session_body("coreink-heat", "v\"2\\", body, sizeof body, &len), CL_OK);
  CHECK_STR(body, "{\"model\":\"coreink-heat\",\"firmware\":\"v\\\"2\\\\\"}");
  CHECK_RC(cl_build_session_body("-heat", "1", body, sizeof body, &len), CL_ERR_ARGUMENT);
  CHECK_RC(cl_build_session_body("Heat", "1", body, sizeof body, &len), CL_ERR_ARGUMENT);
  CHECK_RC(cl_build_session_body("heat", "1\n", body, sizeof body, &len), CL_ERR_ARGUMENT);

  char qr[CL_QR_MAX + 1];
  CHECK_RC(cl_qr_text("https://app.example.org", SID, POP_T, qr, sizeof qr), CL_OK);
  CHECK_STR(qr, "https://app.example.org/claim#" SID "." POP_T);

  /* Poll answers. */
  cl_poll_answer a;
  const char *w = "{\"state\":\"waiting\",\"expiresAt\":\"2026-11-23T00:15:00Z\"}";
  CHECK_RC(cl_parse_poll(w, strlen(w), &a), CL_OK);
  CHECK(a.state == CL_STATE_WAITING);
  CHECK_RC(cl_parse_poll("{\"state\":\"locked\"}", 18, &a), CL_OK);
  CHECK(a.state == CL_STATE_LOCKED);
  CHECK_RC(cl_parse_poll("{\"state\":\"expired\"}", 19, &a), CL_OK);
  CHECK(a.state == CL_STATE_EXPIRED);
  CHECK_RC(cl_parse_poll("{\"state\":\"other\"}", 17, &a), CL_ERR_PARSE);
  const char *inj = "{\"state\":\"challenge\",\"claimId\":\"clm_1/../../x\",\"nonce\":\"" NONCE "\",\"serverProof\":\"" SERVER_PROOF "\"}";
  CHECK_RC(cl_parse_poll(inj, strlen(inj), &a), CL_ERR_PARSE);
  const char *nl = "{\"state\":\"challenge\",\"claimId\":\"clm_1\",\"nonce\":\"a\\nb\",\"serverProof\":\"" SERVER_PROOF "\"}";
  CHECK_RC(cl_parse_poll(nl, strlen(nl), &a), CL_ERR_PARSE);
  const char *esc = "{\"state\":\"challenge\",\"claimId\":\"clm_1\",\"nonce\":\"" NONCE "\",\"serverProof\":\"" SERVER_PROOF
                    "\",\"account\":{\"displayName\":\"Eve\\u001b[2J\"}}";
  CHECK_RC(cl_parse_poll(esc, strlen(esc), &a), CL_OK);
  CHECK_STR(a.display_name, "Eve?[2J");

  /* The profile and its commands. */
  const char *me = "{\"deviceId\":\"dev_1\",\"name\":\"Hall\",\"config\":{\"measurementIntervalSeconds\":120},"
                   "\"commands\":[{\"id\":\"cmd_A\",\"type\":\"identify\",\"params\":{},\"issuedAt\":\"x\"},"
                   "{\"id\":\"cmd_B\",\"type\":\"set_config\",\"params\":{\"measurementIntervalSeconds\":5}}]}";
  uint32_t interval;
  size_t ncommands;
  cl_command cmd;
  CHECK_RC(cl_parse_profile(me, strlen(me), &interval, &ncommands), CL_OK);
  CHECK(interval == 120 && ncommands == 2);
  CHECK_RC(cl_profile_command(me, strlen(me), 0, &cmd), CL_OK);
  CHECK_STR(cmd.id, "cmd_A");
  CHECK_STR(cmd.type, "identify");
  CHECK_RC(cl_profile_command(me, strlen(me), 1, &cmd), CL_OK);
  CHECK_STR(cmd.type, "set_config");
  cl_json_span params = {cmd.params, cmd.params_len}, v;
  int64_t secs;
  CHECK_RC(cl_json_member(params, "measurementIntervalSeconds", &v), CL_OK);
  CHECK_RC(cl_json_int(v, &secs), CL_OK);
  CHECK(secs == 5);
  CHECK_RC(cl_profile_command(me, strlen(me), 2, &cmd), CL_ERR_PARSE);

  /* (1.1) expiresAt: a command past it is not carried out; a malformed one is not read. */
  const char *exp = "{\"commands\":[{\"id\":\"cmd_C\",\"type\":\"reboot\",\"expiresAt\":\"2026-11-24T00:10:00Z\"},"
                    "{\"id\":\"cmd_D\",\"type\":\"reboot\",\"expiresAt\":\"tomorrow\"},"
                    "{\"id\":\"cmd_E\",\"type\":\"reboot\",\"expiresAt\":1795478400}]}";
  CHECK_RC(cl_profile_command(exp, strlen(exp), 0, &cmd), CL_OK);
  CHECK(cmd.expires_at == 1795392000 + 86400 + 600);
  CHECK(!cl_command_expired(&cmd, cmd.expires_at - 1));
  CHECK(cl_command_expired(&cmd, cmd.expires_at));
  CHECK_RC(cl_profile_command(exp, strlen(exp), 1, &cmd), CL_ERR_PARSE);
  CHECK_RC(cl_profile_command(exp, strlen(exp), 2, &cmd), CL_ERR_PARSE);
  CHECK_RC(cl_profile_command(me, strlen(me), 0, &cmd), CL_OK);
  CHECK(cmd.expires_at == 0 && !cl_command_expired(&cmd, INT64_MAX));
  int64_t when;
  CHECK_RC(cl_parse_rfc3339("2026-11-23T00:00:00Z", &when), CL_OK);
  CHECK(when == 1795392000);
  CHECK_RC(cl_parse_rfc3339("2026-11-23T00:00:00.999Z", &when), CL_OK);
  CHECK(when == 1795392000);
  CHECK_RC(cl_parse_rfc3339("1970-01-01T00:00:00Z", &when), CL_OK);
  CHECK(when == 0);
  CHECK_RC(cl_parse_rfc3339("2024-02-29T23:59:59Z", &when), CL_OK);
  CHECK(when == 1709251199);
  static const char *bad_times[] = {"2026-11-23T00:00:00",       "2026-11-23 00:00:00Z", "2026-11-23T00:00:00+01:00",
                                    "2026-02-29T00:00:00Z",      "2026-13-01T00:00:00Z", "2026-11-23T24:00:00Z",
                                    "2026-11-23T00:00:00.Z",     "2026-11-23t00:00:00z", "+026-11-23T00:00:00Z",
                                    "2026-11-23T00:00:00.1234567890Z", ""};
  for (size_t i = 0; i < sizeof bad_times / sizeof bad_times[0]; i++)
    CHECK_RC(cl_parse_rfc3339(bad_times[i], &when), CL_ERR_PARSE);
  CHECK_RC(cl_parse_profile("{\"commands\":[]}", 15, &interval, &ncommands), CL_OK);
  CHECK(ncommands == 0 && interval == 0);

  CHECK_RC(cl_build_command_ack("done", NULL, body, sizeof body, &len), CL_OK);
  CHECK_STR(body, "{\"status\":\"done\"}");
  CHECK_RC(cl_build_command_ack("done", "blinked", body, sizeof body, &len), CL_OK);
  CHECK_STR(body, "{\"status\":\"done\",\"detail\":\"blinked\"}");
  CHECK_RC(cl_build_command_ack("maybe", NULL, body, sizeof body, &len), CL_ERR_ARGUMENT);

  uint32_t acc, dup, rej;
  const char *m = "{\"accepted\":2,\"duplicates\":1,\"rejected\":[{\"index\":0,\"code\":\"x\"}]}";
  CHECK_RC(cl_parse_measurements_answer(m, strlen(m), &acc, &dup, &rej), CL_OK);
  CHECK(acc == 2 && dup == 1 && rej == 1);
}

static void test_json(void) {
  static const char *valid[] = {"{}", " {\"a\" : [1, -2.5e3, true, false, null, \"x\"]} ", "[]", "\"\\ud83d\\ude00\"",
                                "0", "{\"a\":{\"b\":{\"c\":[[]]}}}", "\"caf\xc3\xa9\""};
  static const char *invalid[] = {"",          "{",        "{\"a\":}",   "{\"a\" 1}",   "{\"a\":1,}",   "[1,]",
                                  "01",        "1.",       "-",          "\"\\x\"",     "\"\\ud800\"",  "tru",
                                  "{} {}",     "\"a\nb\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "{'a':1}", "[1 2]",
                                  "{\"a\":1 \"b\":2}", "\"\\u12\""};
  for (size_t i = 0; i < sizeof valid / sizeof *valid; i++) CHECK_RC(cl_json_validate(valid[i], strlen(valid[i])), CL_OK);
  for (size_t i = 0; i < sizeof invalid / sizeof *invalid; i++)
    CHECK_RC(cl_json_validate(invalid[i], strlen(invalid[i])), CL_ERR_PARSE);
  char deep[64];
  memset(deep, '[', 17);
  memset(deep + 17, ']', 17);
  CHECK_RC(cl_json_validate(deep, 34), CL_ERR_PARSE);
  CHECK_RC(cl_json_validate(deep + 1, 32), CL_OK);

  /* Duplicate keys are refused where they are read; escaped key names are decoded. */
  cl_json_span o = {"{\"state\":\"a\",\"st\\u0061te\":\"b\"}", 0}, v;
  o.n = strlen(o.p);
  CHECK_RC(cl_json_member(o, "state", &v), CL_ERR_PARSE);
  CHECK_RC(cl_parse_poll(o.p, o.n, &(cl_poll_answer){0}), CL_ERR_PARSE);
  cl_json_span o2 = {"{\"a\":\"x\\u00e9\\\"\\n\",\"b\":9007199254740993,\"c\":1.5,\"d\":\"\\u0000\"}", 0};
  o2.n = strlen(o2.p);
  char s[16];
  int64_t n;
  CHECK_RC(cl_json_member(o2, "a", &v), CL_OK);
  CHECK_RC(cl_json_string(v, s, sizeof s), CL_OK);
  CHECK_STR(s, "x\xc3\xa9\"\n");
  CHECK_RC(cl_json_string(v, s, 4), CL_ERR_PARSE); /* longer than allowed */
  CHECK_RC(cl_json_member(o2, "b", &v), CL_OK);
  CHECK_RC(cl_json_int(v, &n), CL_OK);
  CHECK(n == 9007199254740993LL);
  CHECK_RC(cl_json_member(o2, "c", &v), CL_OK);
  CHECK_RC(cl_json_int(v, &n), CL_ERR_PARSE);
  CHECK_RC(cl_json_member(o2, "d", &v), CL_OK);
  CHECK_RC(cl_json_string(v, s, sizeof s), CL_ERR_PARSE);
  CHECK_RC(cl_json_member(o2, "e", &v), CL_ERR_PARSE);
  cl_json_span big = {"99999999999999999999", 20};
  CHECK_RC(cl_json_int(big, &n), CL_ERR_PARSE);
  cl_json_span arr = {"[1, {\"a\":[2]}, \"]\"]", 0};
  arr.n = strlen(arr.p);
  size_t count;
  CHECK_RC(cl_json_count(arr, &count), CL_OK);
  CHECK(count == 3);
  CHECK_RC(cl_json_element(arr, 2, &v), CL_OK);
  CHECK(v.n == 3 && memcmp(v.p, "\"]\"", 3) == 0);
}

static void test_encodings(void) {
  char out[64];
  uint8_t bin[64];
  size_t n;
  /* RFC 4648 section 10, without padding. */
  CHECK_RC(cl_base32_encode((const uint8_t *)"foobar", 6, out, sizeof out, &n), CL_OK);
  CHECK_STR(out, "MZXW6YTBOI");
  CHECK_RC(cl_base32_encode((const uint8_t *)"f", 1, out, sizeof out, &n), CL_OK);
  CHECK_STR(out, "MY");
  CHECK_RC(cl_base32_encode((const uint8_t *)"foobar", 6, out, 10, &n), CL_ERR_BUFFER);
  CHECK_RC(cl_b64url_encode((const uint8_t *)"\xfb\xff\xfe", 3, out, sizeof out, &n), CL_OK);
  CHECK_STR(out, "-__-");
  {
    /* Every length of RFC 4648's vectors (section 10), unpadded: both encoders share one loop. */
    static const char *const b32[] = {"", "MY", "MZXQ", "MZXW6", "MZXW6YQ", "MZXW6YTB", "MZXW6YTBOI"};
    static const char *const b64[] = {"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
    for (size_t len = 0; len <= 6; len++) {
      size_t need = strlen(b32[len]);
      CHECK_RC(cl_base32_encode((const uint8_t *)"foobar", len, out, need + 1, &n), CL_OK);
      CHECK(n == need);
      CHECK_STR(out, b32[len]);
      if (need) CHECK_RC(cl_base32_encode((const uint8_t *)"foobar", len, out, need, &n), CL_ERR_BUFFER);
      need = strlen(b64[len]);
      CHECK_RC(cl_b64url_encode((const uint8_t *)"foobar", len, out, need + 1, &n), CL_OK);
      CHECK(n == need);
      CHECK_STR(out, b64[len]);
      if (need) CHECK_RC(cl_b64url_encode((const uint8_t *)"foobar", len, out, need, &n), CL_ERR_BUFFER);
    }
    /* A length whose encoded size would overflow size_t is refused, not wrapped. */
    CHECK_RC(cl_base32_encode((const uint8_t *)"f", SIZE_MAX / 4, out, sizeof out, &n), CL_ERR_ARGUMENT);
    CHECK_RC(cl_b64url_encode((const uint8_t *)"f", SIZE_MAX / 4, out, sizeof out, &n), CL_ERR_ARGUMENT);
  }
  CHECK_RC(cl_b64url_decode("-__-", 4, bin, sizeof bin, &n), CL_OK);
  CHECK(n == 3 && memcmp(bin, "\xfb\xff\xfe", 3) == 0);
  CHECK_RC(cl_b64url_decode("Zm9vYg", 6, bin, sizeof bin, &n), CL_OK);
  CHECK(n == 4 && memcmp(bin, "foob", 4) == 0);
  CHECK_RC(cl_b64url_decode("Zm9vYh", 6, bin, sizeof bin, &n), CL_ERR_PARSE); /* non-zero trailing bits */
  CHECK_RC(cl_b64url_decode("Zm9vY", 5, bin, sizeof bin, &n), CL_ERR_PARSE);
  CHECK_RC(cl_b64url_decode("Zm9v+g", 6, bin, sizeof bin, &n), CL_ERR_PARSE);
  CHECK_RC(cl_b64url_decode("Zm9vYg==", 8, bin, sizeof bin, &n), CL_ERR_PARSE);
  CHECK(cl_ct_equal("abc", "abc", 3) == 1 && cl_ct_equal("abc", "abd", 3) == 0);
  CHECK_RC(cl_hex_decode("0A", 2, bin, 1), CL_ERR_PARSE); /* lower case only */
}


/* Retries: full jitter within the window, the window doubling to its cap, Retry-After a floor. */
static void test_retry(void) {
  cl_backoff b;
  cl_backoff_init(&b, 1000, 60000);
  CHECK(cl_backoff_window(&b) == 1000);
  /* random32 picks the point in [0, window]: the extremes and the middle. */
  CHECK(cl_backoff_next(&b, 0, 0) == 0);
  CHECK(cl_backoff_window(&b) == 2000);
  CHECK(cl_backoff_next(&b, 2000, 0) == 2000);
  CHECK(cl_backoff_next(&b, 4001, 0) == 0); /* 4001 % 4001 */
  CHECK(cl_backoff_window(&b) == 8000);
  for (int i = 0; i < 100; i++) CHECK(cl_backoff_next(&b, 0xFFFFFFFFu, 0) <= 60000);
  CHECK(cl_backoff_window(&b) == 60000);
  CHECK(b.attempt == 64); /* no overflow however long the outage */
  cl_backoff_reset(&b);
  CHECK(cl_backoff_window(&b) == 1000);
  /* Retry-After is a floor, with the jitter on top. */
  CHECK(cl_backoff_next(&b, 0, 30) == 30000);
  CHECK(cl_backoff_next(&b, 1234, 30) == 31234);
  CHECK(cl_backoff_next(&b, 0, 10LL * 86400) == CL_BACKOFF_LIMIT_MS);
  /* A fleet of 1000 devices, all failing at the same moment with the same Retry-After: their
     waits spread over the window rather than landing on the same second. */
  uint32_t x = 12345, lo = UINT32_MAX, hi = 0;
  int buckets[10] = {0};
  for (int dev = 0; dev < 1000; dev++) {
    cl_backoff f;
    cl_backoff_init(&f, 1000, 300000);
    uint32_t w = 0;
    for (int k = 0; k < 6; k++) {
      x = x * 1664525u + 1013904223u; /* a stand-in for each device's own RNG */
      w = cl_backoff_next(&f, x, 5);
    }
    CHECK(w >= 5000 && w <= 5000 + 32000);
    if (w < lo) lo = w;
    if (w > hi) hi = w;
    buckets[(w - 5000) / 3201]++;
  }
  CHECK(hi - lo > 30000);
  for (int i = 0; i < 10; i++) CHECK(buckets[i] > 50 && buckets[i] < 150);
  /* Odd settings stay sane. */
  cl_backoff_init(&b, 0, 0);
  CHECK(cl_backoff_window(&b) == 1 && cl_backoff_next(&b, 7, 0) <= 1);
  cl_backoff_init(&b, 500, 0xFFFFFFFFu);
  for (int i = 0; i < 40; i++) CHECK(cl_backoff_next(&b, 0xFFFFFFFFu, 0) <= CL_BACKOFF_LIMIT_MS);

  int64_t secs;
  CHECK_RC(cl_parse_retry_after("120", T0, &secs), CL_OK);
  CHECK(secs == 120);
  CHECK_RC(cl_parse_retry_after(" 0 ", T0, &secs), CL_OK);
  CHECK(secs == 0);
  /* 2026-11-23T00:01:40Z is T0 + 100. */
  CHECK_RC(cl_parse_retry_after("Mon, 23 Nov 2026 00:01:40 GMT", T0, &secs), CL_OK);
  CHECK(secs == 100);
  CHECK_RC(cl_parse_retry_after("Sun, 22 Nov 2026 23:59:00 GMT", T0, &secs), CL_OK);
  CHECK(secs == 0);
  CHECK_RC(cl_parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777, &secs), CL_OK);
  CHECK(secs == 0);
  CHECK_RC(cl_parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 - 7, &secs), CL_OK);
  CHECK(secs == 7);
  CHECK_RC(cl_parse_retry_after("-5", T0, &secs), CL_ERR_PARSE);
  CHECK_RC(cl_parse_retry_after("12s", T0, &secs), CL_ERR_PARSE);
  CHECK_RC(cl_parse_retry_after("", T0, &secs), CL_ERR_PARSE);
  CHECK_RC(cl_parse_retry_after("Mon, 23 Xyz 2026 00:01:40 GMT", T0, &secs), CL_ERR_PARSE);
  CHECK_RC(cl_parse_retry_after("Mon, 23 Nov 2026 24:01:40 GMT", T0, &secs), CL_ERR_PARSE);
  CHECK_RC(cl_parse_retry_after("99999999999999999999", T0, &secs), CL_OK);
  CHECK(secs >= 86400);
}

/* The record that survives a power cut mid-claim: the same answer re-sent, bindMac checked. */
static void test_resume(void) {
  cl_resume r, back;
  uint8_t buf[CL_RESUME_MAX];
  size_t len;
  char body[256], path[CL_PATH_MAX + 1];
  memset(&r, 0, sizeof r);
  /* Nothing pending: 8 bytes. */
  CHECK_RC(cl_resume_encode(&r, buf, sizeof buf, &len), CL_OK);
  CHECK(len == 8);
  CHECK_RC(cl_resume_decode(buf, len, &back), CL_OK);
  CHECK(back.flags == 0 && back.command_id[0] == 0);
  /* A re-provision asked for by a command. */
  r.flags = CL_RESUME_REPROVISION;
  strcpy(r.command_id, "cmd_01JZ8Q4T9W6V3X2Y1Z0A5B7C8D");
  CHECK_RC(cl_resume_encode(&r, buf, sizeof buf, &len), CL_OK);
  CHECK_RC(cl_resume_decode(buf, len, &back), CL_OK);
  CHECK(back.flags == CL_RESUME_REPROVISION);
  CHECK_STR(back.command_id, "cmd_01JZ8Q4T9W6V3X2Y1Z0A5B7C8D");
  /* The vector's challenge, accepted into the record: the same deviceProof and secret. */
  cl_poll_answer ch;
  memset(&ch, 0, sizeof ch);
  ch.state = CL_STATE_CHALLENGE;
  strcpy(ch.claim_id, CLAIM_ID);
  strcpy(ch.nonce, NONCE);
  strcpy(ch.server_proof, SERVER_PROOF);
  const uint8_t *dn = (const uint8_t *)"device-nonce-16b";
  CHECK_RC(cl_resume_claim(&r, SID, "c2Vzc2lvbi10b2tlbi0zMi1ieXRlcy1leGFtcGxlLTAx", POP_T, &ch, dn), CL_OK);
  CHECK(r.flags == (CL_RESUME_REPROVISION | CL_RESUME_CLAIM));
  CHECK_STR(r.device_nonce, DEVICE_NONCE);
  CHECK_STR(r.device_proof, DEVICE_PROOF);
  uint8_t want[32];
  secret(want);
  CHECK(memcmp(r.secret, want, 32) == 0);
  CHECK_RC(cl_resume_claim_body(&r, body, sizeof body, &len), CL_OK);
  CHECK_STR(body, "{\"accept\":true,\"deviceNonce\":\"" DEVICE_NONCE "\",\"deviceProof\":\"" DEVICE_PROOF "\"}");
  CHECK_RC(cl_resume_claim_path(&r, path, sizeof path), CL_OK);
  CHECK_STR(path, "/api/v1/provisioning/sessions/" SID "/claims/" CLAIM_ID);
  CHECK_RC(cl_resume_encode(&r, buf, sizeof buf, &len), CL_OK);
  CHECK(len <= CL_RESUME_MAX && len == 240); /* what README.md says: 240 bytes with today's server */
  /* After a reboot: the record read back sends the very same bytes. */
  CHECK_RC(cl_resume_decode(buf, len, &back), CL_OK);
  char body2[256];
  CHECK_RC(cl_resume_claim_body(&back, body2, sizeof body2, NULL), CL_OK);
  CHECK_STR(body2, body);
  CHECK(memcmp(back.secret, want, 32) == 0);
  /* A torn write (any byte changed, or cut short) reads as no record. */
  for (size_t i = 0; i < len; i++) {
    buf[i] ^= 0x20;
    CHECK_RC(cl_resume_decode(buf, len, &back), CL_ERR_PARSE);
    buf[i] ^= 0x20;
  }
  CHECK_RC(cl_resume_decode(buf, len - 1, &back), CL_ERR_PARSE);
  CHECK_RC(cl_resume_decode(buf, 7, &back), CL_ERR_PARSE);
  CHECK_RC(cl_resume_encode(&r, buf, CL_RESUME_MAX - 1, &len), CL_ERR_BUFFER);
  /* The largest record fits CL_RESUME_MAX. */
  cl_resume big = r;
  memset(big.command_id, 'c', CL_ID_MAX);
  big.command_id[CL_ID_MAX] = 0;
  memset(big.session_token, 't', CL_TOKEN_MAX);
  big.session_token[CL_TOKEN_MAX] = 0;
  CHECK_RC(cl_resume_encode(&big, buf, sizeof buf, &len), CL_OK);
  CHECK(len <= CL_RESUME_MAX);
  CHECK_RC(cl_resume_decode(buf, len, &back), CL_OK);
  /* A forged `claimed` (wrong bindMac) keeps the record; the real one completes it. */
  cl_poll_answer claimed;
  memset(&claimed, 0, sizeof claimed);
  claimed.state = CL_STATE_CLAIMED;
  strcpy(claimed.device_id, DEVICE_ID);
  strcpy(claimed.credential_id, CREDENTIAL_ID);
  strcpy(claimed.bind_mac, "AAAAKQRvYB4-LmhyBP9WfGouEsLWG-dLc1Y1OoAlvOQ");
  cl_credential cred;
  CHECK_RC(cl_resume_accept_claimed(&claimed, &r, &cred), CL_ERR_MISMATCH);
  CHECK(r.flags & CL_RESUME_CLAIM);
  CHECK(memcmp(r.secret, want, 32) == 0);
  strcpy(claimed.bind_mac, BIND_MAC);
  CHECK_RC(cl_resume_accept_claimed(&claimed, &r, &cred), CL_OK);
  CHECK_STR(cred.device_id, DEVICE_ID);
  CHECK(memcmp(cred.secret, want, 32) == 0);
  CHECK(r.flags == CL_RESUME_REPROVISION && r.sid[0] == 0);
  uint8_t zero[32] = {0};
  CHECK(memcmp(r.secret, zero, 32) == 0);
  /* Refused inputs. */
  CHECK_RC(cl_resume_claim_body(&r, body, sizeof body, &len), CL_ERR_ARGUMENT);
  CHECK_RC(cl_resume_claim(&r, SID, "bad token\n", POP_T, &ch, dn), CL_ERR_ARGUMENT);
  strcpy(r.command_id, "cmd\n1");
  CHECK_RC(cl_resume_encode(&r, buf, sizeof buf, &len), CL_ERR_ARGUMENT);
}

/*
 * The backend's ECDSA verification against the vector, its malleated twin (r, n - s), every
 * single-bit change of the signature, the hash and the key, and the edges of r and s; in the
 * BearSSL build also against BearSSL's own verifier, which must agree on every one of them.
 */
#if defined(CLAIMLINK_CRYPTO_BEARSSL)
#include <bearssl.h>
static int reference_verify(const uint8_t pub[65], const uint8_t hash[32], const uint8_t sig[64]) {
  br_ec_public_key pk;
  uint8_t q[65];
  memcpy(q, pub, 65);
  pk.curve = BR_EC_secp256r1;
  pk.q = q;
  pk.qlen = 65;
  return br_ecdsa_i31_vrfy_raw(&br_ec_p256_m31, hash, 32, &pk, sig, 64) == 1 ? 0 : -1;
}
#else
static int reference_verify(const uint8_t pub[65], const uint8_t hash[32], const uint8_t sig[64]) {
  return cl_crypto_p256_verify(pub, hash, sig);
}
#endif

static void test_ecdsa(void) {
  static const uint8_t ORDER_BE[32] = {0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
                                       0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17,
                                       0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51};
  cl_pinned_key key;
  uint8_t sig[64], hash[32], t[64], h[32];
  size_t n;
  CHECK_RC(cl_pinned_key_from_b64url(PUBKEY, &key), CL_OK);
  CHECK_RC(cl_b64url_decode(SIG_B64, strlen(SIG_B64), sig, sizeof sig, &n), CL_OK);
  const char *text = "claimlink/1 server-signature\nPOST\n/api/v1/provisioning/sessions\n" SIG_NONCE "\n201\n" SIG_TS
                     "\n" SESSION_SHA;
  cl_chunk c = {text, strlen(text)};
  CHECK(cl_crypto_sha256(&c, 1, hash) == 0);
  CHECK(cl_crypto_p256_verify(key.public_key, hash, sig) == 0);
  CHECK(reference_verify(key.public_key, hash, sig) == 0);
  /* (r, n - s) is the same signature for ECDSA: both verify. */
  memcpy(t, sig, 64);
  int borrow = 0;
  for (int i = 31; i >= 0; i--) {
    int d = ORDER_BE[i] - sig[32 + i] - borrow;
    borrow = d < 0;
    t[32 + i] = (uint8_t)(d + (borrow ? 256 : 0));
  }
  CHECK(cl_crypto_p256_verify(key.public_key, hash, t) == 0);
  CHECK(reference_verify(key.public_key, hash, t) == 0);
  /* Every single-bit change of the signature and of the hash: refused, by both. */
  int agreed = 0;
  for (int bit = 0; bit < 512; bit++) {
    memcpy(t, sig, 64);
    t[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    int mine = cl_crypto_p256_verify(key.public_key, hash, t);
    CHECK(mine != 0);
    agreed += mine == reference_verify(key.public_key, hash, t);
  }
  for (int bit = 0; bit < 256; bit++) {
    memcpy(h, hash, 32);
    h[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    int mine = cl_crypto_p256_verify(key.public_key, h, sig);
    CHECK(mine != 0);
    agreed += mine == reference_verify(key.public_key, h, sig);
  }
  CHECK(agreed == 512 + 256);
  /* A changed key: off the curve, or another point; both refused. */
  for (int i = 1; i < 65; i += 7) {
    cl_pinned_key k = key;
    k.public_key[i] ^= 0x40;
    CHECK(cl_crypto_p256_verify(k.public_key, hash, sig) != 0);
    CHECK(reference_verify(k.public_key, hash, sig) != 0);
  }
  cl_pinned_key compressed = key;
  compressed.public_key[0] = 0x02;
  CHECK(cl_crypto_p256_verify(compressed.public_key, hash, sig) != 0);
  /* r or s out of [1, n-1]: 0, n, n + 1, 2^256 - 1. */
  uint8_t edge[4][32];
  memset(edge[0], 0, 32);
  memcpy(edge[1], ORDER_BE, 32);
  memcpy(edge[2], ORDER_BE, 32);
  edge[2][31]++;
  memset(edge[3], 0xFF, 32);
  for (int e = 0; e < 4; e++) {
    for (int half = 0; half < 2; half++) {
      memcpy(t, sig, 64);
      memcpy(t + 32 * half, edge[e], 32);
      CHECK(cl_crypto_p256_verify(key.public_key, hash, t) != 0);
      CHECK(reference_verify(key.public_key, hash, t) != 0);
    }
  }
  /* A hash above n is reduced, not refused: both verifiers decide alike. */
  memset(h, 0xFF, 32);
  CHECK(cl_crypto_p256_verify(key.public_key, h, sig) == reference_verify(key.public_key, h, sig));
}

/* ---------------------------------------------------------------- section 7: firmware updates (1.2) */

#define FW_KEY "BKKQIeQBp4PRfpJ60tORaCiePAcw1uQCinD__Yb97vhChF75bFlf1OLmgYntCMYfFTJPMikyOgEMQEonoWfPQts"
#define FW_KID "09e17ad8d663a41e"
#define FW_HASH "c8f5d0341d54d951a71b136e6e2afcb14d11ed8489a7ae126a8fee0df6ecf193"
#define FW_SIGNED_HASH "72b5b2d69158db93140b00e2049828c3593bc4479c2ba6ac3b64bc61a45cb6f4"
#define FW_SIG "bKpWxhUt30XOWkpy7ukEiNVOHOKOqnzIfbi9zpPUe4qy-wvvKpeNUyRi-4FJjneIHsa_2QO-YJIl6mNGQ8MCow"
/* Made with the test firmware key for these tests (4096 bytes, FW_HASH): model, version, sig. */
#define FW_SIG_142 "d01xC9xWaN9szt-7fUzPnFajuv_uVQh5UYPcLRpPflYezsKeRTehMsa1Z8w5Cvhet1vdzleFBIjP8O-C_rJ6CQ"
#define FW_SIG_142RC "iC-l0FPVAuai29bpJ0MPm1lCRKw3lW7ZpoCMl72M5fesSdSXELWBBd4Wf9nR6v2GMafxqCIEKDJyqdLv3wtZlw"
#define FW_SIG_0150 "7Chdg3BGByWE6MCi5jyaRLX50qxANdzIVazaRmcLMvu93nM4ngY2wnYXVp6xEyZJZSga3kPzrrCSoWbA8YjlVQ"
#define FW_SIG_OTHER_MODEL "3ajP1F71szDW6iHZZ5F5TPOfQ6emsAP-kVWx9Z6YqI9dJONPpPgPCG7abBh3pmOD6dLDcexxLCqJuKECRRkzcQ"
#define FW_SIG_150RC "_LF518x81LSrc1EOb8Io9j4POQGJRRaInd7FmdV1Xw7OR-MjpdpaJJ-dJYHi6tQg6arpt_1bqaitZ7zrSZVzkw"

static void fw_params(char *out, size_t size, const char *model, const char *version, const char *sha, const char *kid,
                      const char *sig, long long bytes) {
  snprintf(out, size,
           "{\"model\":\"%s\",\"version\":\"%s\",\"size\":%lld,\"sha256\":\"%s\",\"kid\":\"%s\",\"sig\":\"%s\","
           "\"url\":\"http://127.0.0.1:9/api/v1/firmware/%s\"}",
           model, version, bytes, sha, kid, sig, sha);
}

static cl_fw_result fw_check(const char *params, const cl_fw_device *dev) {
  cl_fw_update u;
  cl_fw_result r = (cl_fw_result)-1;
  CHECK_RC(cl_fw_check_update(params, strlen(params), dev, &u, &r), CL_OK);
  return r;
}

static int version_order(const char *a, const char *b) {
  cl_fw_version x, y;
  if (cl_fw_parse_version(a, &x) != CL_OK || cl_fw_parse_version(b, &y) != CL_OK) return 99;
  return cl_fw_compare_versions(&x, &y);
}

static void test_firmware(void) {
  cl_pinned_key key;
  uint8_t image[4096], h[32], sig[64];
  char hex[65], text[256], params[700];
  size_t n;
  for (size_t i = 0; i < sizeof image; i++) image[i] = (uint8_t)(i % 256);

  /* The vectors: kid, the image's hash, firmwareSigned's hash, the valid signature. */
  CHECK_RC(cl_pinned_key_from_b64url(FW_KEY, &key), CL_OK);
  CHECK_STR(key.kid, FW_KID);
  cl_chunk c = {image, sizeof image};
  CHECK_RC(cl_crypto_sha256(&c, 1, h), 0);
  cl_hex_encode(h, 32, hex, sizeof hex);
  CHECK_STR(hex, FW_HASH);
  CHECK_RC(cl_fw_signed_text("coreink-heat", "1.5.0", 4096, FW_HASH, text, sizeof text), CL_OK);
  CHECK_STR(text, "claimlink/1 firmware\ncoreink-heat\n1.5.0\n4096\n" FW_HASH);
  CHECK_RC(cl_fw_signed_text("coreink-heat", "1.5.0", 4096, FW_HASH, text, 20), CL_ERR_BUFFER);
  CHECK_RC(cl_fw_signed_text("coreink\nheat", "1.5.0", 4096, FW_HASH, text, sizeof text), CL_ERR_ARGUMENT);
  CHECK_RC(cl_fw_signed_hash("coreink-heat", "1.5.0", 4096, FW_HASH, h), CL_OK);
  cl_hex_encode(h, 32, hex, sizeof hex);
  CHECK_STR(hex, FW_SIGNED_HASH);
  CHECK_RC(cl_b64url_decode(FW_SIG, strlen(FW_SIG), sig, sizeof sig, &n), CL_OK);
  CHECK_RC(cl_fw_verify_signature(&key, 1, FW_KID, sig, "coreink-heat", "1.5.0", 4096, FW_HASH), CL_OK);
  /* The same signature with version 1.5.1 must not verify; nor another size, hash or kid. */
  CHECK_RC(cl_fw_verify_signature(&key, 1, FW_KID, sig, "coreink-heat", "1.5.1", 4096, FW_HASH), CL_ERR_MISMATCH);
  CHECK_RC(cl_fw_verify_signature(&key, 1, FW_KID, sig, "coreink-heat", "1.5.0", 4095, FW_HASH), CL_ERR_MISMATCH);
  CHECK_RC(cl_fw_verify_signature(&key, 1, "5ff04105fc2e52e4", sig, "coreink-heat", "1.5.0", 4096, FW_HASH),
           CL_ERR_MISMATCH);
  CHECK_RC(cl_fw_verify_signature(&key, 1, "09e1", sig, "coreink-heat", "1.5.0", 4096, FW_HASH), CL_ERR_MISMATCH);
  CHECK_RC(cl_fw_verify_signature(&key, 0, FW_KID, sig, "coreink-heat", "1.5.0", 4096, FW_HASH), CL_ERR_MISMATCH);
  sig[10] ^= 1;
  CHECK_RC(cl_fw_verify_signature(&key, 1, FW_KID, sig, "coreink-heat", "1.5.0", 4096, FW_HASH), CL_ERR_MISMATCH);

  /* The ordered checks on a coreink-heat running 1.4.2 with an 8 KiB partition. */
  cl_fw_device dev = {"coreink-heat", "1.4.2", &key, 1, 8192};
  cl_fw_update u;
  cl_fw_result r;
  fw_params(params, sizeof params, "coreink-heat", "1.5.0", FW_HASH, FW_KID, FW_SIG, 4096);
  CHECK_RC(cl_fw_check_update(params, strlen(params), &dev, &u, &r), CL_OK);
  CHECK(r == CL_FW_OK);
  CHECK_STR(u.version, "1.5.0");
  CHECK(u.size == 4096);
  CHECK(memcmp(u.sha256, (uint8_t[32]){0xc8, 0xf5, 0xd0, 0x34}, 4) == 0);
  CHECK_STR(u.url, "http://127.0.0.1:9/api/v1/firmware/" FW_HASH);
  char spaced[760];
  snprintf(spaced, sizeof spaced, " \n%s\t ", params); /* whitespace around the value is JSON */
  CHECK(fw_check(spaced, &dev) == CL_FW_OK);
  /* 1. wrong_model, whatever else the params hold */
  fw_params(params, sizeof params, "other-model", "1.5.0", FW_HASH, FW_KID, FW_SIG_OTHER_MODEL, 4096);
  CHECK(fw_check(params, &dev) == CL_FW_WRONG_MODEL);
  fw_params(params, sizeof params, "other-model", "0.0.1", "x", "y", "z", -1);
  CHECK(fw_check(params, &dev) == CL_FW_WRONG_MODEL);
  CHECK(fw_check("[]", &dev) == CL_FW_WRONG_MODEL);
  CHECK(fw_check("{\"model\":\"coreink-heat\"", &dev) == CL_FW_WRONG_MODEL);
  CHECK(fw_check("{\"version\":\"1.5.0\"}", &dev) == CL_FW_WRONG_MODEL);
  /* 2. bad_signature: the 1.5.1 vector, a kid not pinned, a changed size or hash, unsignable params */
  fw_params(params, sizeof params, "coreink-heat", "1.5.1", FW_HASH, FW_KID, FW_SIG, 4096);
  CHECK(fw_check(params, &dev) == CL_FW_BAD_SIGNATURE);
  fw_params(params, sizeof params, "coreink-heat", "1.5.0", FW_HASH, "5ff04105fc2e52e4", FW_SIG, 4096);
  CHECK(fw_check(params, &dev) == CL_FW_BAD_SIGNATURE);
  fw_params(params, sizeof params, "coreink-heat", "1.5.0", FW_HASH, FW_KID, FW_SIG, 4097);
  CHECK(fw_check(params, &dev) == CL_FW_BAD_SIGNATURE);
  fw_params(params, sizeof params, "coreink-heat", "1.5.0",
            "c8f5d0341d54d951a71b136e6e2afcb14d11ed8489a7ae126a8fee0df6ecf194", FW_KID, FW_SIG, 4096);
  CHECK(fw_check(params, &dev) == CL_FW_BAD_SIGNATURE);
  fw_params(params, sizeof params, "coreink-heat", "1.5.0",
            "C8F5D0341D54D951A71B136E6E2AFCB14D11ED8489A7AE126A8FEE0DF6ECF193", FW_KID, FW_SIG, 4096);
  CHECK(fw_check(params, &dev) == CL_FW_BAD_SIGNATURE);
  fw_params(params, sizeof params, "coreink-heat", "1.5.0", FW_HASH, FW_KID, FW_SIG, -4096);
  CHECK(fw_check(params, &dev) == CL_FW_BAD_SIGNATURE);
  fw_params(params, sizeof params, "coreink-heat", "1.5.0", FW_HASH, FW_KID, "AAAA", 4096);
  CHECK(fw_check(params, &dev) == CL_FW_BAD_SIGNATURE);
  CHECK(fw_check("{\"model\":\"coreink-heat\",\"version\":\"1.5.0\",\"size\":4096}", &dev) == CL_FW_BAD_SIGNATURE);
  cl_fw_device unpinned = dev;
  unpinned.nkeys = 0;
  fw_params(params, sizeof params, "coreink-heat", "1.5.0", FW_HASH, FW_KID, FW_SIG, 4096);
  CHECK(fw_check(params, &unpinned) == CL_FW_BAD_SIGNATURE);
  /* 3. downgrade: signed, but not above 1.4.2 (equal, a pre-release of it, not a version) */
  fw_params(params, sizeof params, "coreink-heat", "1.4.2", FW_HASH, FW_KID, FW_SIG_142, 4096);
  CHECK(fw_check(params, &dev) == CL_FW_DOWNGRADE);
  fw_params(params, sizeof params, "coreink-heat", "1.4.2-rc.1", FW_HASH, FW_KID, FW_SIG_142RC, 4096);
  CHECK(fw_check(params, &dev) == CL_FW_DOWNGRADE);
  fw_params(params, sizeof params, "coreink-heat", "01.5.0", FW_HASH, FW_KID, FW_SIG_0150, 4096);
  CHECK(fw_check(params, &dev) == CL_FW_DOWNGRADE);
  fw_params(params, sizeof params, "coreink-heat", "1.5.0-rc.1", FW_HASH, FW_KID, FW_SIG_150RC, 4096);
  CHECK(fw_check(params, &dev) == CL_FW_OK);
  cl_fw_device newer = dev;
  newer.running = "1.5.0";
  CHECK(fw_check(params, &newer) == CL_FW_DOWNGRADE); /* 1.5.0-rc.1 is below 1.5.0 */
  /* 4. too_large */
  fw_params(params, sizeof params, "coreink-heat", "1.5.0", FW_HASH, FW_KID, FW_SIG, 4096);
  cl_fw_device small = dev;
  small.partition_size = 4095;
  CHECK(fw_check(params, &small) == CL_FW_TOO_LARGE);
  small.partition_size = 4096;
  CHECK(fw_check(params, &small) == CL_FW_OK);
  /* No url: nothing to download. */
  CHECK(fw_check("{\"model\":\"coreink-heat\",\"version\":\"1.5.0\",\"size\":4096,\"sha256\":\"" FW_HASH
                 "\",\"kid\":\"" FW_KID "\",\"sig\":\"" FW_SIG "\"}",
                 &dev) == CL_FW_DOWNLOAD_FAILED);
  /* A device whose own version does not parse is a programming error. */
  cl_fw_device broken = dev;
  broken.running = "v1";
  CHECK_RC(cl_fw_check_update(params, strlen(params), &broken, &u, &r), CL_ERR_ARGUMENT);
  CHECK_STR(cl_fw_code(CL_FW_HASH_MISMATCH), "hash_mismatch");
  CHECK_STR(cl_fw_code(CL_FW_ROLLED_BACK), "rolled_back");

  /* Version order: the SemVer 2.0 example chain, within the protocol's limits. */
  const char *chain[] = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
                         "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "1.10.0", "2.0.0",
                         "65535.65535.65535"};
  for (size_t i = 0; i + 1 < sizeof chain / sizeof chain[0]; i++) {
    CHECK(version_order(chain[i], chain[i + 1]) == -1);
    CHECK(version_order(chain[i + 1], chain[i]) == 1);
  }
  CHECK(version_order("1.2.3-rc.1", "1.2.3-rc.1") == 0);
  CHECK(version_order("1.0.0-9", "1.0.0-a") == -1);
  CHECK(version_order("1.0.0-A", "1.0.0-a") == -1);
  CHECK(version_order("1.0.0-99999999999999999999999999999998", "1.0.0-99999999999999999999999999999999") == -1);
  CHECK(version_order("1.0.0-a.b", "1.0.0-a") == 1);
  cl_fw_version v;
  CHECK_RC(cl_fw_parse_version("65535.65535.65535", &v), CL_OK);
  CHECK(v.major == 65535 && v.minor == 65535 && v.patch == 65535 && v.pre[0] == '\0');
  CHECK_RC(cl_fw_parse_version("0.0.0-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &v), CL_OK);
  CHECK_STR(v.pre, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  const char *bad[] = {"65536.0.0", "0.65536.0", "0.0.65536", "99999.0.0", "100000.0.0", "01.0.0", "1.00.0",
                       "1.0.01", "1.0", "1.0.0.0", "v1.0.0", "1.0.0-", "1.0.0-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                       "1.0.0-a..b", "1.0.0-.a", "1.0.0-a.", "1.0.0-01", "1.0.0-a_b", "1.0.0+build", " 1.0.0",
                       "1.0.0\n", "-1.0.0", ""};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int rc = cl_fw_parse_version(bad[i], &v);
    if (rc != CL_ERR_PARSE) fprintf(stderr, "version \"%s\" was not refused\n", bad[i]);
    CHECK(rc == CL_ERR_PARSE);
  }

  /* Check 5: the streaming hash, in pieces, with a resume from an offset. */
  cl_fw_image img;
  char range[48];
  uint8_t want[32];
  cl_hex_decode(FW_HASH, 64, want, 32);
  CHECK_RC(cl_fw_image_begin(&img, 4096), CL_OK);
  for (size_t off = 0; off < 4096; off += 1000)
    CHECK_RC(cl_fw_image_write(&img, image + off, off + 1000 > 4096 ? 4096 - off : 1000), CL_OK);
  CHECK_RC(cl_fw_image_range(&img, range, sizeof range), CL_ERR_ARGUMENT); /* nothing missing */
  CHECK_RC(cl_fw_image_write(&img, image, 1), CL_ERR_BUFFER);               /* past size: refused */
  CHECK_RC(cl_fw_image_finish(&img, want, &r), CL_OK);
  CHECK(r == CL_FW_OK);
  /* cut after 1500 bytes; a reboot lost the context; the partition kept them */
  CHECK_RC(cl_fw_image_begin(&img, 4096), CL_OK);
  CHECK_RC(cl_fw_image_write(&img, image, 1500), CL_OK);
  CHECK_RC(cl_fw_image_range(&img, range, sizeof range), CL_OK);
  CHECK_STR(range, "bytes=1500-4095");
  CHECK_RC(cl_fw_image_range(&img, range, 10), CL_ERR_BUFFER);
  CHECK_RC(cl_fw_image_finish(&img, want, &r), CL_OK);
  CHECK(r == CL_FW_DOWNLOAD_FAILED); /* short */
  CHECK_RC(cl_fw_image_begin(&img, 4096), CL_OK);
  CHECK_RC(cl_fw_image_write(&img, image, 1500), CL_OK);
  CHECK_RC(cl_fw_image_write(&img, image + 1500, 4096 - 1500), CL_OK);
  CHECK_RC(cl_fw_image_finish(&img, want, &r), CL_OK);
  CHECK(r == CL_FW_OK);
  /* one byte changed (a tampering mirror) */
  image[4000] ^= 1;
  CHECK_RC(cl_fw_image_begin(&img, 4096), CL_OK);
  CHECK_RC(cl_fw_image_write(&img, image, 4096), CL_OK);
  CHECK_RC(cl_fw_image_finish(&img, want, &r), CL_OK);
  CHECK(r == CL_FW_HASH_MISMATCH);

  /* The acknowledgement with the running firmware. */
  char ack[400];
  CHECK_RC(cl_build_firmware_ack("done", NULL, "1.5.0", ack, sizeof ack, &n), CL_OK);
  CHECK_STR(ack, "{\"status\":\"done\",\"firmware\":\"1.5.0\"}");
  CHECK_RC(cl_build_firmware_ack("failed", "rolled_back: the new image did not start", "1.4.2", ack, sizeof ack, &n),
           CL_OK);
  CHECK_STR(ack, "{\"status\":\"failed\",\"detail\":\"rolled_back: the new image did not start\",\"firmware\":\"1.4.2\"}");
  CHECK_RC(cl_build_firmware_ack("in_progress", "downloaded 1500 of 4096 bytes", NULL, ack, sizeof ack, &n), CL_OK);
  CHECK_RC(cl_build_firmware_ack("maybe", NULL, NULL, ack, sizeof ack, &n), CL_ERR_ARGUMENT);
  CHECK_RC(cl_build_firmware_ack("done", NULL, "", ack, sizeof ack, &n), CL_ERR_ARGUMENT);
  CHECK_RC(cl_build_firmware_ack("done", NULL, "1.5\n", ack, sizeof ack, &n), CL_ERR_ARGUMENT);
}

int main(int argc, char **argv) {
  for (int i = 0; i < 32; i++) SEED[i] = (uint8_t)i;
  const char *group = argc > 1 ? argv[1] : "all";
  int all = strcmp(group, "all") == 0, ran = 0;
  if (all || strcmp(group, "vectors") == 0) test_vectors(), test_claim_flow(), test_signed_requests(), ran = 1;
  if (all || strcmp(group, "signature") == 0) test_signature(), test_ecdsa(), ran = 1;
  if (all || strcmp(group, "answers") == 0) test_answers(), ran = 1;
  if (all || strcmp(group, "json") == 0) test_json(), ran = 1;
  if (all || strcmp(group, "encodings") == 0) test_encodings(), ran = 1;
  if (all || strcmp(group, "retry") == 0) test_retry(), ran = 1;
  if (all || strcmp(group, "resume") == 0) test_resume(), ran = 1;
  if (all || strcmp(group, "firmware") == 0) test_firmware(), ran = 1;
  if (!ran) {
    fprintf(stderr, "unknown test group %s\n", group);
    return 2;
  }
  printf("%s [%s]: %d checks, %d failed\n", group, cl_crypto_backend_name(), checks, failures);
  return failures ? 1 : 0;
}

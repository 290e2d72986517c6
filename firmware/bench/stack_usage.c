/*
 * Peak stack use of each public function, measured: the call runs on its own painted stack
 * (ucontext) and the deepest byte it touched is found afterwards. Unlike -fstack-usage
 * alone, this counts the crypto library's frames too (precompiled mbedTLS/BearSSL). Run on the
 * -Os build by scripts/figures.sh; x86-64 frames stand in for Xtensa ones (README.md).
 */
#define _DEFAULT_SOURCE
#include "claimlink.h"
#include "claimlink_crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#define STACK_SIZE (64 * 1024)
#define PAINT 0xA5

#define SID "MFRGGZDFMZTWQ2LKNNWG23TPOA"
#define CLAIM_ID "clm_01JZ8Q4T9W6V3X2Y1Z0A5B7C8D"
#define NONCE "c2VydmVyLWNoYWxsZW5nZS1ub25jZS0zMi1ieXRlcyE"
#define SESSION_BODY                                                                                          \
  "{\"sid\":\"MFRGGZDFMZTWQ2LKNNWG23TPOA\",\"sessionToken\":\"c2Vzc2lvbi10b2tlbi0zMi1ieXRlcy1leGFtcGxlLTAx\"," \
  "\"claimUrl\":\"https://app.example.org/claim\",\"serverTime\":1795392000,\"step\":30,\"expiresAt\":"     \
  "\"2026-11-23T00:15:00Z\"}"
#define SIG_HEADER                                                                                  \
  "keyid=\"5ff04105fc2e52e4\", ts=\"1795392000\", sig=\"GNgNcclZOutP2qId_Bky_vlmgWwwpNjoAmbep4iFigxMc-" \
  "bsm1pHhYXQOYCOBGSHJyius4z3Ch4uNGF72VOaFA\""
#define PUBKEY "BKVi773iuJpyhJA5liUzqAMPQIWv4wKPXi4D7Fp73IgKhjwVmO666F00Htkb-Giec8TzQ322iG-VZzg9N9SkTV8"
#define CHALLENGE                                                                                    \
  "{\"state\":\"challenge\",\"claimId\":\"" CLAIM_ID "\",\"nonce\":\"" NONCE                         \
  "\",\"serverProof\":\"-kHmFSaIpD76p1dYhhhK4YWj2Wl-E-8Dzu8NXceF2mg\",\"account\":{\"displayName\":" \
  "\"A. de Vries\"},\"expiresAt\":\"2026-11-23T00:03:30Z\"}"
#define PROFILE                                                                                 \
  "{\"deviceId\":\"dev_1\",\"name\":\"Hall\",\"config\":{\"measurementIntervalSeconds\":120}," \
  "\"commands\":[{\"id\":\"cmd_A\",\"type\":\"identify\",\"params\":{}}]}"

/* Inputs and outputs live in static storage so that only the call's own frames are measured. */
static uint8_t seed[32];
static cl_poll_answer challenge, claimed;
static cl_pending_claim pending;
static cl_credential cred;
static cl_request req, sreq;
static cl_pinned_key key;
static cl_session session;
static cl_problem problem;
static cl_command command;
static char out[512], pop[CL_POP_LEN + 1], mac[CL_MAC_LEN + 1];
static size_t len, count;
static uint32_t u1, u2, u3;
static unsigned auth;
static int rc;

static void f_pop(void) { rc = cl_pop(seed, SID, 59846400, pop); }
static void f_qr(void) { rc = cl_qr_text("https://app.example.org", SID, "W53B7GLAZNR4AYB3JAGRCVVAME", out, sizeof out); }
static void f_session_body(void) { rc = cl_build_session_body("coreink-heat", "1.4.2", out, sizeof out, &len); }
static void f_parse_session(void) {
  rc = cl_parse_session(SESSION_BODY, strlen(SESSION_BODY), "https://app.example.org", 30, &session);
}
static void f_parse_poll(void) { rc = cl_parse_poll(CHALLENGE, strlen(CHALLENGE), &challenge); }
static void f_match(void) { rc = cl_match_challenge(seed, SID, 59846400, &challenge, pop); }
static void f_accept(void) {
  rc = cl_build_claim_accept("W53B7GLAZNR4AYB3JAGRCVVAME", SID, &challenge, (const uint8_t *)"device-nonce-16b", out,
                             sizeof out, &len, &pending);
}
static void f_accept_claimed(void) { rc = cl_accept_claimed(&claimed, &pending, &cred); }
static void f_device_secret(void) {
  rc = cl_device_secret("W53B7GLAZNR4AYB3JAGRCVVAME", SID, CLAIM_ID, NONCE, "ZGV2aWNlLW5vbmNlLTE2Yg", cred.secret);
}
static void f_unsigned(void) {
  rc = cl_request_unsigned(&req, "POST", "/api/v1/provisioning/sessions", (const uint8_t *)"device-req-nonce1", 17);
}
static void f_signed(void) {
  rc = cl_request_signed(&sreq, &cred, "POST", "/api/v1/devices/me/measurements", 1795392030,
                         (const uint8_t *)"request-nonce-16b", 17, "{}", 2, out, sizeof out);
}
static void f_check_mac(void) {
  cl_answer a = {200, "{}", 2, NULL, mac};
  cl_trust t = {NULL, 0, 1795392030, 1};
  rc = cl_authenticate_answer(&sreq, &a, cred.secret, &t, &auth, NULL);
}
static void f_pinned_key(void) { rc = cl_pinned_key_from_b64url(PUBKEY, &key); }
static void f_check_sig(void) {
  cl_answer a = {201, SESSION_BODY, strlen(SESSION_BODY), SIG_HEADER, NULL};
  cl_trust t = {&key, 1, 1795392000, 1};
  rc = cl_authenticate_answer(&req, &a, NULL, &t, &auth, NULL);
}
static void f_problem(void) {
  const char *b = "{\"code\":\"stale_timestamp\",\"serverTime\":1795392000}";
  rc = cl_parse_problem(b, strlen(b), &problem);
}
static void f_profile(void) { rc = cl_parse_profile(PROFILE, strlen(PROFILE), &u1, &count); }
static void f_command(void) { rc = cl_profile_command(PROFILE, strlen(PROFILE), 0, &command); }
static void f_ack(void) { rc = cl_build_command_ack("done", NULL, out, sizeof out, &len); }
static void f_measurements(void) {
  const char *b = "{\"accepted\":3,\"duplicates\":0,\"rejected\":[]}";
  rc = cl_parse_measurements_answer(b, strlen(b), &u1, &u2, &u3);
}

static const struct {
  const char *name;
  void (*fn)(void);
} calls[] = {
    {"cl_pop", f_pop},
    {"cl_qr_text", f_qr},
    {"cl_build_session_body", f_session_body},
    {"cl_parse_session", f_parse_session},
    {"cl_parse_poll (challenge)", f_parse_poll},
    {"cl_match_challenge", f_match},
    {"cl_build_claim_accept", f_accept},
    {"cl_accept_claimed", f_accept_claimed},
    {"cl_device_secret", f_device_secret},
    {"cl_request_unsigned", f_unsigned},
    {"cl_request_signed", f_signed},
    {"cl_authenticate_answer (response MAC)", f_check_mac},
    {"cl_pinned_key_from_b64url", f_pinned_key},
    {"cl_authenticate_answer (pinned signature)", f_check_sig},
    {"cl_parse_problem", f_problem},
    {"cl_parse_profile", f_profile},
    {"cl_profile_command", f_command},
    {"cl_build_command_ack", f_ack},
    {"cl_parse_measurements_answer", f_measurements},
};

static ucontext_t main_ctx, call_ctx;
static void (*current)(void);
static void trampoline(void) { current(); }

static size_t measure(void (*fn)(void), uint8_t *stack) {
  memset(stack, PAINT, STACK_SIZE);
  current = fn;
  getcontext(&call_ctx);
  call_ctx.uc_stack.ss_sp = stack;
  call_ctx.uc_stack.ss_size = STACK_SIZE;
  call_ctx.uc_link = &main_ctx;
  makecontext(&call_ctx, trampoline, 0);
  swapcontext(&main_ctx, &call_ctx);
  size_t untouched = 0;
  while (untouched < STACK_SIZE && stack[untouched] == PAINT) untouched++; /* stacks grow down */
  return STACK_SIZE - untouched;
}

int main(void) {
  uint8_t *stack = malloc(STACK_SIZE);
  if (!stack) return 1;
  for (int i = 0; i < 32; i++) seed[i] = (uint8_t)i;
  /* Includes the trampoline's frame (a few dozen bytes): an upper bound. A first run on the
     main stack binds every library symbol, so the dynamic linker's frames are not counted. */
  for (int pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < sizeof calls / sizeof *calls; i++) {
      if (calls[i].fn == f_accept_claimed) {
        memset(&claimed, 0, sizeof claimed);
        claimed.state = CL_STATE_CLAIMED;
        strcpy(claimed.device_id, "dev_7KQ2M9XR");
        strcpy(claimed.credential_id, "crd_4FJ8W2PZ");
        if (cl_bind_mac(pending.secret, claimed.device_id, claimed.credential_id, claimed.bind_mac)) return 1;
      }
      if (calls[i].fn == f_check_mac && cl_response_mac(cred.secret, sreq.nonce, 200, "{}", 2, mac)) return 1;
      if (pass == 0) {
        calls[i].fn();
        continue;
      }
      size_t used = measure(calls[i].fn, stack);
      if (rc != CL_OK) {
        fprintf(stderr, "%s failed: %s\n", calls[i].name, cl_strerror(rc));
        return 1;
      }
      printf("%-44s %zu\n", calls[i].name, used);
    }
    if (pass == 0) {
      printf("backend: %s\n", cl_crypto_backend_name());
      printf("%-44s %s\n", "function", "peak stack (bytes)");
    }
  }
  free(stack);
  return 0;
}

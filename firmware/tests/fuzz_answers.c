/*
 * libFuzzer target for everything that reads what the network sent (and the resume record read
 * back from flash): the JSON scanner, the answer parsers, the signature header,
 * cl_authenticate_answer, Retry-After, cl_resume_decode and (1.2) an update command's params and
 * versions. Built with clang
 * -fsanitize=fuzzer,address,undefined (CMake -DCLAIMLINK_FUZZ=ON); scripts/ci.sh runs it for a
 * fixed time on tests/corpus. The first input byte picks the target (0xf0 and above: firmware
 * updates), the rest is the answer.
 * Besides memory safety it checks what the rest of the device relies on: a parsed id is
 * [A-Za-z0-9_-], a parsed nonce or token is base64url, a forged MAC or signature never passes.
 */
#include "claimlink.h"
#include "claimlink_crypto.h"

#include <stdlib.h>
#include <string.h>

#define FW_KEY "BKKQIeQBp4PRfpJ60tORaCiePAcw1uQCinD__Yb97vhChF75bFlf1OLmgYntCMYfFTJPMikyOgEMQEonoWfPQts"
#define PUBKEY "BKVi773iuJpyhJA5liUzqAMPQIWv4wKPXi4D7Fp73IgKhjwVmO666F00Htkb-Giec8TzQ322iG-VZzg9N9SkTV8"

static int only(const char *s, const char *allowed) { return strspn(s, allowed) == strlen(s); }
#define ID_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
#define CHECK(c) \
  do {           \
    if (!(c)) abort(); \
  } while (0)

static void no_controls(const char *s) {
  for (; *s; s++) CHECK((unsigned char)*s >= 0x20 && *s != 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  uint8_t which = data[0] >= 0xf0 ? 8 : data[0] % 8;
  const char *body = (const char *)data + 1;
  size_t n = size - 1;
  /* A NUL-terminated copy for the header parsers. */
  char *text = malloc(n + 1);
  if (!text) return 0;
  memcpy(text, body, n);
  text[n] = '\0';

  switch (which) {
    case 0: {
      cl_session s;
      if (cl_parse_session(body, n, "https://app.example.org", 30, &s) == CL_OK) {
        CHECK(only(s.sid, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") && s.sid[0]);
        CHECK(only(s.session_token, ID_CHARS) && s.session_token[0]);
        CHECK(s.step == 30 && s.server_time >= 0);
      }
      break;
    }
    case 1: {
      cl_poll_answer a;
      if (cl_parse_poll(body, n, &a) == CL_OK) {
        CHECK(a.state >= CL_STATE_WAITING && a.state <= CL_STATE_LOCKED);
        CHECK(only(a.claim_id, ID_CHARS) && only(a.nonce, ID_CHARS) && only(a.server_proof, ID_CHARS));
        CHECK(only(a.device_id, ID_CHARS) && only(a.credential_id, ID_CHARS) && only(a.bind_mac, ID_CHARS));
        no_controls(a.display_name);
        no_controls(a.name);
        uint8_t seed[32] = {0};
        char pop[CL_POP_LEN + 1];
        if (a.state == CL_STATE_CHALLENGE) {
          /* A fuzzed proof matching PoP(T) or PoP(T-1) would be a forgery. */
          CHECK(cl_match_challenge(seed, "MFRGGZDFMZTWQ2LKNNWG23TPOA", 59846400, &a, pop) == CL_ERR_MISMATCH);
        }
        if (a.state == CL_STATE_CLAIMED) {
          cl_pending_claim p;
          cl_credential c;
          memset(&p, 0, sizeof p);
          memset(p.secret, 7, 32);
          CHECK(cl_accept_claimed(&a, &p, &c) != CL_OK);
        }
      }
      break;
    }
    case 2: {
      cl_problem p;
      if (cl_parse_problem(body, n, &p) == CL_OK) {
        CHECK(only(p.code, "abcdefghijklmnopqrstuvwxyz0123456789_") && p.code[0]);
        CHECK(cl_may_forget_credential(&p, 0) == 0);
      }
      break;
    }
    case 3: {
      uint32_t interval;
      size_t count;
      if (cl_parse_profile(body, n, &interval, &count) == CL_OK) {
        for (size_t i = 0; i < count && i < 64; i++) {
          cl_command c;
          if (cl_profile_command(body, n, i, &c) != CL_OK) continue;
          CHECK(only(c.id, ID_CHARS) && c.id[0]);
          CHECK(c.params >= body || strcmp(c.params, "{}") == 0);
          cl_json_span p = {c.params, c.params_len}, v;
          int64_t secs;
          if (cl_json_member(p, "measurementIntervalSeconds", &v) == CL_OK) (void)cl_json_int(v, &secs);
          CHECK(c.expires_at >= 0);
        }
      }
      int64_t when;
      if (cl_parse_rfc3339(text, &when) == CL_OK) CHECK(when >= 0);
      uint32_t a, d, r;
      (void)cl_parse_measurements_answer(body, n, &a, &d, &r);
      break;
    }
    case 4: {
      cl_server_signature sig;
      if (cl_parse_server_signature(text, &sig) == CL_OK) {
        CHECK(strlen(sig.kid) == CL_KID_LEN && sig.ts >= 0);
        cl_pinned_key key;
        CHECK(cl_pinned_key_from_b64url(PUBKEY, &key) == CL_OK);
        /* Over a body of its own choosing, a fuzzed signature must not verify. */
        CHECK(cl_verify_server_signature(&key, 1, "POST", "/api/v1/provisioning/sessions", "-", 201, "{}", 2, text,
                                         NULL) != CL_OK);
      }
      break;
    }
    case 5: {
      /* signature \0 mac \0 body: a whole answer to a signed request, with and without pins. */
      const char *sig = text, *mac = text + strlen(text);
      if (mac < text + n) mac++;
      const char *rest = mac + strlen(mac);
      if (rest < text + n) rest++;
      size_t blen = (size_t)(text + n - rest);
      cl_credential cred;
      cl_request req;
      memset(&cred, 0, sizeof cred);
      strcpy(cred.credential_id, "crd_1");
      memset(cred.secret, 9, 32);
      CHECK(cl_request_signed(&req, &cred, "GET", "/api/v1/devices/me", 1795392000,
                              (const uint8_t *)"0123456789abcdef", 16, "", 0, (char[CL_AUTHORIZATION_MAX]){0},
                              CL_AUTHORIZATION_MAX) == CL_OK);
      cl_pinned_key key;
      CHECK(cl_pinned_key_from_b64url(PUBKEY, &key) == CL_OK);
      cl_answer ans = {200, rest, blen, *sig ? sig : NULL, *mac ? mac : NULL};
      cl_trust pinned = {&key, 1, 1795392000, 1}, none = {NULL, 0, 1795392000, 1};
      unsigned auth;
      CHECK(cl_authenticate_answer(&req, &ans, cred.secret, &pinned, &auth, NULL) != CL_OK);
      CHECK(cl_authenticate_answer(&req, &ans, cred.secret, &none, &auth, NULL) != CL_OK);
      break;
    }
    case 6: {
      uint8_t out[256];
      size_t len;
      (void)cl_b64url_decode(body, n, out, sizeof out, &len);
      cl_pinned_key key;
      (void)cl_pinned_key_from_b64url(text, &key);
      /* A resume record read back from flash (torn, stale or tampered): decoded only when it
         is exactly what cl_resume_encode writes. */
      cl_resume r;
      if (cl_resume_decode(data + 1, n, &r) == CL_OK) {
        uint8_t again[CL_RESUME_MAX];
        size_t alen;
        CHECK(cl_resume_encode(&r, again, sizeof again, &alen) == CL_OK);
        CHECK(alen == n && memcmp(again, data + 1, n) == 0);
        CHECK(only(r.command_id, ID_CHARS) && only(r.claim_id, ID_CHARS) && only(r.session_token, ID_CHARS));
      }
      /* Retry-After from an answer: never negative. */
      int64_t secs;
      if (cl_parse_retry_after(text, 1795392000, &secs) == CL_OK) CHECK(secs >= 0);
      break;
    }
    case 8: {
      /* (1.2) An update command's params on a device pinning the test firmware key: a result in
         range, and CL_FW_OK only for params a pinned key signed, above 1.4.2, that fit. */
      static cl_pinned_key fw;
      static int loaded;
      if (!loaded) loaded = cl_pinned_key_from_b64url(FW_KEY, &fw) == CL_OK;
      CHECK(loaded);
      cl_fw_device dev = {"coreink-heat", "1.4.2", &fw, 1, 8192};
      cl_fw_update u;
      cl_fw_result r;
      CHECK(cl_fw_check_update(body, n, &dev, &u, &r) == CL_OK);
      CHECK(r >= CL_FW_OK && r <= CL_FW_DOWNLOAD_FAILED);
      if (r == CL_FW_OK) {
        cl_fw_version v, running;
        CHECK(strcmp(u.model, "coreink-heat") == 0 && u.size <= 8192 && u.url[0]);
        CHECK(cl_fw_verify_signature(&fw, 1, u.kid, u.sig, u.model, u.version, u.size, u.sha256_hex) == CL_OK);
        CHECK(cl_fw_parse_version(u.version, &v) == CL_OK && cl_fw_parse_version("1.4.2", &running) == CL_OK);
        CHECK(cl_fw_compare_versions(&v, &running) > 0);
      }
      /* A version: ordered consistently with itself and with 1.4.2. */
      cl_fw_version a, b;
      if (cl_fw_parse_version(text, &a) == CL_OK && cl_fw_parse_version("1.4.2", &b) == CL_OK) {
        CHECK(cl_fw_compare_versions(&a, &a) == 0);
        CHECK(cl_fw_compare_versions(&a, &b) == -cl_fw_compare_versions(&b, &a));
        CHECK(strlen(a.pre) <= CL_FW_PRE_MAX);
      }
      break;
    }
    default: {
      /* The scanner itself: validate, then walk members and elements. */
      if (cl_json_validate(body, n) == CL_OK) {
        cl_json_span root = {body, n}, v;
        while (root.n && (root.p[0] == ' ' || root.p[0] == '\n' || root.p[0] == '\t' || root.p[0] == '\r'))
          root.p++, root.n--;
        while (root.n && (root.p[root.n - 1] == ' ' || root.p[root.n - 1] == '\n' || root.p[root.n - 1] == '\t' ||
                          root.p[root.n - 1] == '\r'))
          root.n--;
        char s[64];
        int64_t i64;
        size_t count;
        if (cl_json_kind(root) == 'o' && cl_json_member(root, "a", &v) == CL_OK) {
          CHECK(v.p >= body && v.p + v.n <= body + n);
          (void)cl_json_string(v, s, sizeof s);
          (void)cl_json_int(v, &i64);
          if (cl_json_count(v, &count) == CL_OK && count) CHECK(cl_json_element(v, count - 1, &v) == CL_OK);
        }
        if (cl_json_kind(root) == 'a' && cl_json_count(root, &count) == CL_OK)
          for (size_t k = 0; k < count && k < 64; k++) CHECK(cl_json_element(root, k, &v) == CL_OK);
      }
      break;
    }
  }
  free(text);
  return 0;
}

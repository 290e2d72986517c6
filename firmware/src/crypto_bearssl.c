/*
 * The BearSSL backend (what the ESP8266 Arduino core ships). Every BearSSL context lives on
 * the stack: no heap at all.
 */
#include "claimlink_crypto.h"

#if defined(ARDUINO_ARCH_ESP8266)
#include <bearssl/bearssl.h> /* the core's own copy of BearSSL */
#else
#include <bearssl.h>
#endif
#include <string.h>

int cl_crypto_sha256(const cl_chunk *parts, size_t nparts, uint8_t out[32]) {
  br_sha256_context ctx;
  br_sha256_init(&ctx);
  for (size_t i = 0; i < nparts; i++) br_sha256_update(&ctx, parts[i].p, parts[i].n);
  br_sha256_out(&ctx, out);
  return 0;
}

int cl_crypto_hmac_sha256(const uint8_t *key, size_t key_len, const cl_chunk *parts, size_t nparts,
                          uint8_t out[32]) {
  br_hmac_key_context kc;
  br_hmac_context ctx;
  br_hmac_key_init(&kc, &br_sha256_vtable, key, key_len);
  br_hmac_init(&ctx, &kc, 0);
  for (size_t i = 0; i < nparts; i++) br_hmac_update(&ctx, parts[i].p, parts[i].n);
  br_hmac_out(&ctx, out);
  /* The key context holds the padded key's inner and outer states. */
  volatile uint8_t *v = (volatile uint8_t *)&kc;
  for (size_t i = 0; i < sizeof kc; i++) v[i] = 0;
  return 0;
}

int cl_crypto_hkdf_sha256(const uint8_t *ikm, size_t ikm_len, const uint8_t *salt, size_t salt_len,
                          const uint8_t *info, size_t info_len, uint8_t *out, size_t out_len) {
  br_hkdf_context hc;
  if (out_len > 255 * 32) return -1;
  /* BR_HKDF_NO_SALT is only for an absent salt; an empty one is the same by RFC 5869. */
  br_hkdf_init(&hc, &br_sha256_vtable, salt_len ? salt : BR_HKDF_NO_SALT, salt_len);
  br_hkdf_inject(&hc, ikm, ikm_len);
  br_hkdf_flip(&hc);
  size_t n = br_hkdf_produce(&hc, info, info_len, out, out_len);
  volatile uint8_t *v = (volatile uint8_t *)&hc;
  for (size_t i = 0; i < sizeof hc; i++) v[i] = 0;
  return n == out_len ? 0 : -1;
}

int cl_crypto_p256_verify(const uint8_t pub[65], const uint8_t hash[32], const uint8_t sig[64]) {
  br_ec_public_key pk;
  uint8_t q[65];
  if (pub[0] != 0x04) return -1;
  memcpy(q, pub, 65); /* br_ec_public_key takes a non-const pointer */
  pk.curve = BR_EC_secp256r1;
  pk.q = q;
  pk.qlen = 65;
  /* br_ec_p256_m31 is the constant-time P-256 implementation on 32-bit words (ESP8266 too).
     The raw variant takes r || s as sent (section 6). Returns 1 when valid. */
  return br_ecdsa_i31_vrfy_raw(&br_ec_p256_m31, hash, 32, &pk, sig, 64) == 1 ? 0 : -1;
}

const char *cl_crypto_backend_name(void) { return "bearssl 0.6"; }

/*
 * The BearSSL backend (what the ESP8266 Arduino core ships). Every BearSSL context lives on
 * the stack: no heap at all. HMAC and HKDF are written over br_sha256 to keep the stack small.
 */
#include "claimlink_crypto.h"

/* Which backend is built: CMake defines CLAIMLINK_CRYPTO_BEARSSL or _MBEDTLS; a build tool that
   compiles every file of src/ (the Arduino IDE) gets BearSSL on the ESP8266 core. */
#if defined(CLAIMLINK_CRYPTO_BEARSSL) || (!defined(CLAIMLINK_CRYPTO_MBEDTLS) && defined(ARDUINO_ARCH_ESP8266))

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

/* RFC 2104 over br_sha256 contexts, as the mbedTLS backend does: br_hmac_key_init alone needs
   about 1 KB of stack on the ESP8266 (its process_key frame and a SHA-256 context per pad), this
   about 300 bytes plus one SHA-256 round (README.md, "Stack"). */
#define BLOCK 64
int cl_crypto_hmac_sha256(const uint8_t *key, size_t key_len, const cl_chunk *parts, size_t nparts,
                          uint8_t out[32]) {
  uint8_t k[BLOCK], pad[BLOCK];
  br_sha256_context ctx;
  memset(k, 0, sizeof k);
  if (key_len > BLOCK) {
    cl_chunk c = {key, key_len};
    cl_crypto_sha256(&c, 1, k);
  } else if (key_len) {
    memcpy(k, key, key_len);
  }
  for (size_t i = 0; i < BLOCK; i++) pad[i] = k[i] ^ 0x36;
  br_sha256_init(&ctx);
  br_sha256_update(&ctx, pad, BLOCK);
  for (size_t i = 0; i < nparts; i++) br_sha256_update(&ctx, parts[i].p, parts[i].n);
  br_sha256_out(&ctx, out); /* the inner hash, in out until the outer one replaces it */
  for (size_t i = 0; i < BLOCK; i++) pad[i] = k[i] ^ 0x5c;
  br_sha256_init(&ctx);
  br_sha256_update(&ctx, pad, BLOCK);
  br_sha256_update(&ctx, out, 32);
  br_sha256_out(&ctx, out);
  /* The key and the padded key's states are secrets. */
  volatile uint8_t *v = (volatile uint8_t *)&ctx;
  for (size_t i = 0; i < sizeof ctx; i++) v[i] = 0;
  v = (volatile uint8_t *)k;
  for (size_t i = 0; i < sizeof k; i++) v[i] = 0;
  v = (volatile uint8_t *)pad;
  for (size_t i = 0; i < sizeof pad; i++) v[i] = 0;
  return 0;
}

/* HKDF over the HMAC above (src/hkdf.c): br_hkdf_init needs about 1.3 KB of stack on the ESP8266. */
int cl_crypto_hkdf_sha256(const uint8_t *ikm, size_t ikm_len, const uint8_t *salt, size_t salt_len,
                          const uint8_t *info, size_t info_len, uint8_t *out, size_t out_len) {
  return cl_hkdf_sha256_over_hmac(ikm, ikm_len, salt, salt_len, info, info_len, out, out_len);
}

int cl_crypto_p256_verify(const uint8_t pub[65], const uint8_t hash[32], const uint8_t sig[64]) {
  br_ec_public_key pk;
  if (pub[0] != 0x04) return -1;
  pk.curve = BR_EC_secp256r1;
  /* br_ec_public_key takes a non-const pointer; verification only reads the point (a copy here
     would cost 65 bytes on the deepest stack of the library). */
  pk.q = (unsigned char *)(uintptr_t)pub;
  pk.qlen = 65;
  /* br_ec_p256_m31 is the constant-time P-256 implementation on 32-bit words (ESP8266 too).
     The raw variant takes r || s as sent (section 6). Returns 1 when valid. */
  return br_ecdsa_i31_vrfy_raw(&br_ec_p256_m31, hash, 32, &pk, sig, 64) == 1 ? 0 : -1;
}

const char *cl_crypto_backend_name(void) { return "bearssl 0.6"; }

#else
typedef int cl_crypto_bearssl_not_built; /* ISO C wants a declaration in every file */
#endif

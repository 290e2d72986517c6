/*
 * The mbedTLS backend (what ESP-IDF ships: 2.28 in IDF 4.4, 3.x in IDF 5). SHA-256 runs on a
 * stack context (ESP-IDF routes it to the SHA accelerator); HMAC and HKDF are built on it here
 * because mbedtls_md_hmac and mbedtls_hkdf allocate their contexts on the heap
 * (mbedtls_md_setup), which the protocol core must not. ECDSA verification needs bignums,
 * which mbedTLS always allocates (mbedtls_calloc): the only heap use, freed before return.
 */
#include "claimlink_crypto.h"
#include "claimlink.h"

/* Which backend is built: CMake defines CLAIMLINK_CRYPTO_MBEDTLS or _BEARSSL; a build tool that
   compiles every file of src/ gets mbedTLS on ESP-IDF and the ESP32 Arduino core. */
#if defined(CLAIMLINK_CRYPTO_MBEDTLS) || \
    (!defined(CLAIMLINK_CRYPTO_BEARSSL) && (defined(ESP_PLATFORM) || defined(ARDUINO_ARCH_ESP32)))

#include <mbedtls/bignum.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/ecp.h>
#include <mbedtls/sha256.h>
#include <mbedtls/version.h>
#include <string.h>

#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#define SHA256_STARTS(c) mbedtls_sha256_starts((c), 0)
#define SHA256_UPDATE mbedtls_sha256_update
#define SHA256_FINISH mbedtls_sha256_finish
#else
#define SHA256_STARTS(c) mbedtls_sha256_starts_ret((c), 0)
#define SHA256_UPDATE mbedtls_sha256_update_ret
#define SHA256_FINISH mbedtls_sha256_finish_ret
#endif

#define BLOCK 64

int cl_crypto_sha256(const cl_chunk *parts, size_t nparts, uint8_t out[32]) {
  mbedtls_sha256_context ctx;
  int rc;
  mbedtls_sha256_init(&ctx);
  rc = SHA256_STARTS(&ctx);
  for (size_t i = 0; rc == 0 && i < nparts; i++) rc = SHA256_UPDATE(&ctx, parts[i].p, parts[i].n);
  if (rc == 0) rc = SHA256_FINISH(&ctx, out);
  mbedtls_sha256_free(&ctx);
  return rc;
}

/* The context must fit the caller's storage (claimlink_crypto.h); a negative size fails the build. */
typedef char cl_sha256_ctx_fits[sizeof(mbedtls_sha256_context) <= sizeof(cl_sha256_ctx) ? 1 : -1];
#define STREAM(c) ((mbedtls_sha256_context *)(void *)(c)->opaque)

int cl_crypto_sha256_init(cl_sha256_ctx *ctx) {
  mbedtls_sha256_init(STREAM(ctx));
  return SHA256_STARTS(STREAM(ctx));
}

int cl_crypto_sha256_update(cl_sha256_ctx *ctx, const void *p, size_t n) {
  return SHA256_UPDATE(STREAM(ctx), p, n);
}

int cl_crypto_sha256_finish(cl_sha256_ctx *ctx, uint8_t out[32]) {
  int rc = SHA256_FINISH(STREAM(ctx), out);
  mbedtls_sha256_free(STREAM(ctx));
  return rc;
}

/* RFC 2104: H((K ^ opad) || H((K ^ ipad) || m)), K hashed first when longer than a block. */
int cl_crypto_hmac_sha256(const uint8_t *key, size_t key_len, const cl_chunk *parts, size_t nparts,
                          uint8_t out[32]) {
  uint8_t k[BLOCK], pad[BLOCK], inner[32];
  mbedtls_sha256_context ctx;
  int rc = 0;
  memset(k, 0, sizeof k);
  if (key_len > BLOCK) {
    cl_chunk c = {key, key_len};
    rc = cl_crypto_sha256(&c, 1, k);
  } else if (key_len) {
    memcpy(k, key, key_len);
  }
  mbedtls_sha256_init(&ctx);
  for (size_t i = 0; i < BLOCK; i++) pad[i] = k[i] ^ 0x36;
  if (rc == 0) rc = SHA256_STARTS(&ctx);
  if (rc == 0) rc = SHA256_UPDATE(&ctx, pad, BLOCK);
  for (size_t i = 0; rc == 0 && i < nparts; i++) rc = SHA256_UPDATE(&ctx, parts[i].p, parts[i].n);
  if (rc == 0) rc = SHA256_FINISH(&ctx, inner);
  for (size_t i = 0; i < BLOCK; i++) pad[i] = k[i] ^ 0x5c;
  if (rc == 0) rc = SHA256_STARTS(&ctx);
  if (rc == 0) rc = SHA256_UPDATE(&ctx, pad, BLOCK);
  if (rc == 0) rc = SHA256_UPDATE(&ctx, inner, 32);
  if (rc == 0) rc = SHA256_FINISH(&ctx, out);
  mbedtls_sha256_free(&ctx); /* zeroizes */
  cl_wipe(k, sizeof k);
  cl_wipe(pad, sizeof pad);
  cl_wipe(inner, sizeof inner);
  return rc;
}

int cl_crypto_hkdf_sha256(const uint8_t *ikm, size_t ikm_len, const uint8_t *salt, size_t salt_len,
                          const uint8_t *info, size_t info_len, uint8_t *out, size_t out_len) {
  return cl_hkdf_sha256_over_hmac(ikm, ikm_len, salt, salt_len, info, info_len, out, out_len);
}

int cl_crypto_p256_verify(const uint8_t pub[65], const uint8_t hash[32], const uint8_t sig[64]) {
  mbedtls_ecp_group grp;
  mbedtls_ecp_point q;
  mbedtls_mpi r, s;
  int rc;
  if (pub[0] != 0x04) return -1;
  mbedtls_ecp_group_init(&grp);
  mbedtls_ecp_point_init(&q);
  mbedtls_mpi_init(&r);
  mbedtls_mpi_init(&s);
  rc = mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1);
  if (rc == 0) rc = mbedtls_ecp_point_read_binary(&grp, &q, pub, 65);
  /* An off-curve point must never reach the verification arithmetic. */
  if (rc == 0) rc = mbedtls_ecp_check_pubkey(&grp, &q);
  /* r || s (IEEE P1363), not DER: read each half as a big-endian integer. mbedtls_ecdsa_verify
     refuses r or s outside [1, n-1]. */
  if (rc == 0) rc = mbedtls_mpi_read_binary(&r, sig, 32);
  if (rc == 0) rc = mbedtls_mpi_read_binary(&s, sig + 32, 32);
  if (rc == 0) rc = mbedtls_ecdsa_verify(&grp, hash, 32, &q, &r, &s);
  mbedtls_mpi_free(&s);
  mbedtls_mpi_free(&r);
  mbedtls_ecp_point_free(&q);
  mbedtls_ecp_group_free(&grp);
  return rc == 0 ? 0 : -1;
}

const char *cl_crypto_backend_name(void) { return "mbedtls " MBEDTLS_VERSION_STRING; }

#else
typedef int cl_crypto_mbedtls_not_built; /* ISO C wants a declaration in every file */
#endif

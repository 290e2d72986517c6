/*
 * The crypto backend interface of libclaimlink: the only functions the protocol core needs
 * from a crypto library (PROTOCOL.md, design goal 4: HMAC-SHA256, SHA-256, HKDF-SHA256 and,
 * for pinned server keys, ECDSA P-256 verification).
 *
 * Exactly one backend is linked, chosen at build time (CMake CLAIMLINK_CRYPTO):
 *   src/crypto_mbedtls.c  mbedTLS 2.28 / 3.x (ESP-IDF)
 *   src/crypto_bearssl.c  BearSSL 0.6 (ESP8266 Arduino core)
 * A port to another library (a hardware SHA engine, for example) implements these eight
 * functions and links them instead; tests/test_vectors.c tells whether it is right.
 *
 * Messages are passed as lists of chunks so that MAC inputs ("field\nfield\n...") are never
 * copied into one buffer: the core needs no large stack buffers and no heap.
 */
#ifndef CLAIMLINK_CRYPTO_H
#define CLAIMLINK_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One piece of a message; a message is the concatenation of its chunks. */
typedef struct {
  const void *p;
  size_t n;
} cl_chunk;

/* Returns 0 on success, non-zero when the backend failed. */
int cl_crypto_sha256(const cl_chunk *parts, size_t nparts, uint8_t out[32]);

/*
 * (1.2) A streaming SHA-256, for a firmware image hashed as it is written (section 7): the
 * backend's own context in storage the caller owns (no heap). Each backend checks at build
 * time that its context fits. init, any number of updates, then finish (which also clears
 * the context); another init starts again. Return 0 on success.
 */
typedef struct {
  uint64_t opaque[32]; /* 256 bytes, 8-aligned: mbedTLS (ESP-IDF's accelerated one too) and BearSSL fit */
} cl_sha256_ctx;

int cl_crypto_sha256_init(cl_sha256_ctx *ctx);
int cl_crypto_sha256_update(cl_sha256_ctx *ctx, const void *p, size_t n);
int cl_crypto_sha256_finish(cl_sha256_ctx *ctx, uint8_t out[32]);

/* HMAC-SHA256 (RFC 2104) of the concatenated parts. Returns 0 on success. */
int cl_crypto_hmac_sha256(const uint8_t *key, size_t key_len, const cl_chunk *parts, size_t nparts,
                          uint8_t out[32]);

/* HKDF-SHA256 (RFC 5869), extract then expand, out_len <= 255 * 32. Returns 0 on success. */
int cl_crypto_hkdf_sha256(const uint8_t *ikm, size_t ikm_len, const uint8_t *salt, size_t salt_len,
                          const uint8_t *info, size_t info_len, uint8_t *out, size_t out_len);

/*
 * ECDSA P-256 verification of a raw r || s signature (IEEE P1363, 32 + 32 bytes) over a
 * SHA-256 hash, with a 65-byte uncompressed public key 0x04 || X || Y.
 * Returns 0 only when the signature is valid; any other value means "do not trust".
 */
int cl_crypto_p256_verify(const uint8_t pub[65], const uint8_t hash[32], const uint8_t sig[64]);

/* "mbedtls 2.28.3", "bearssl": for logs and the figures in README.md. */
const char *cl_crypto_backend_name(void);

/*
 * HKDF over cl_crypto_hmac_sha256, for backends without a heap-free HKDF (src/hkdf.c).
 * Same contract as cl_crypto_hkdf_sha256.
 */
int cl_hkdf_sha256_over_hmac(const uint8_t *ikm, size_t ikm_len, const uint8_t *salt, size_t salt_len,
                             const uint8_t *info, size_t info_len, uint8_t *out, size_t out_len);

#ifdef __cplusplus
}
#endif
#endif

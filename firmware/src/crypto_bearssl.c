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

/* The context must fit the caller's storage (claimlink_crypto.h); a negative size fails the build. */
typedef char cl_sha256_ctx_fits[sizeof(br_sha256_context) <= sizeof(cl_sha256_ctx) ? 1 : -1];
#define STREAM(c) ((br_sha256_context *)(void *)(c)->opaque)

int cl_crypto_sha256_init(cl_sha256_ctx *ctx) {
  br_sha256_init(STREAM(ctx));
  return 0;
}

int cl_crypto_sha256_update(cl_sha256_ctx *ctx, const void *p, size_t n) {
  br_sha256_update(STREAM(ctx), p, n);
  return 0;
}

int cl_crypto_sha256_finish(cl_sha256_ctx *ctx, uint8_t out[32]) {
  br_sha256_out(STREAM(ctx), out);
  memset(ctx, 0, sizeof *ctx);
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

/*
 * ECDSA P-256 verification (FIPS 186-4 6.4.2) over BearSSL's constant-time P-256 point code
 * (br_ec_p256_m31, for CPUs with a 32-bit multiplier, the ESP8266's too). Not
 * br_ecdsa_i31_vrfy_raw: that needs 2288 bytes of stack on the ESP8266, its 736-byte frame of
 * scalar arithmetic on top of the point multiplication; here the scalar arithmetic mod n is
 * done first, in functions whose frames are gone before the point multiplication (1552 bytes)
 * runs, so the whole check stays under 2 KB (README.md, "Stack"). Everything here is public
 * (the signature, the hash, the key), so variable time is fine.
 */
#define NL 8 /* 32-bit limbs, least significant first */
#if defined(__GNUC__)
#define CL_NOINLINE __attribute__((noinline))
#else
#define CL_NOINLINE
#endif

/* n, the order of P-256's group. */
static const uint32_t ORDER[NL] = {0xFC632551u, 0xF3B9CAC2u, 0xA7179E84u, 0xBCE6FAADu,
                                   0xFFFFFFFFu, 0xFFFFFFFFu, 0x00000000u, 0xFFFFFFFFu};

static void decode_be(uint32_t out[NL], const uint8_t in[32]) {
  for (int i = 0; i < NL; i++) {
    const uint8_t *p = in + 28 - 4 * i;
    out[i] = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
  }
}

static void encode_be(uint8_t out[32], const uint32_t a[NL]) {
  for (int i = 0; i < NL; i++) {
    uint8_t *p = out + 28 - 4 * i;
    p[0] = (uint8_t)(a[i] >> 24);
    p[1] = (uint8_t)(a[i] >> 16);
    p[2] = (uint8_t)(a[i] >> 8);
    p[3] = (uint8_t)a[i];
  }
}

/* -1, 0, 1 as a <, ==, > b. */
static int cmp(const uint32_t a[NL], const uint32_t b[NL]) {
  for (int i = NL - 1; i >= 0; i--)
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

/* a -= b mod 2^256. */
static void sub(uint32_t a[NL], const uint32_t b[NL]) {
  uint32_t borrow = 0;
  for (int i = 0; i < NL; i++) {
    uint64_t d = (uint64_t)a[i] - b[i] - borrow;
    a[i] = (uint32_t)d;
    borrow = (uint32_t)(d >> 63);
  }
}

static int is_zero(const uint32_t a[NL]) {
  uint32_t z = 0;
  for (int i = 0; i < NL; i++) z |= a[i];
  return z == 0;
}

/* Montgomery product a * b / 2^256 mod n, for a, b < n (CIOS); n0 = -1/n mod 2^32. */
static void mont_mul(uint32_t r[NL], const uint32_t a[NL], const uint32_t b[NL], uint32_t n0) {
  uint32_t t[NL + 2];
  memset(t, 0, sizeof t);
  for (int i = 0; i < NL; i++) {
    uint64_t c = 0;
    for (int j = 0; j < NL; j++) {
      c += (uint64_t)t[j] + (uint64_t)a[j] * b[i];
      t[j] = (uint32_t)c;
      c >>= 32;
    }
    c += t[NL];
    t[NL] = (uint32_t)c;
    t[NL + 1] = (uint32_t)(c >> 32);
    uint32_t m = t[0] * n0;
    c = ((uint64_t)t[0] + (uint64_t)m * ORDER[0]) >> 32;
    for (int j = 1; j < NL; j++) {
      c += (uint64_t)t[j] + (uint64_t)m * ORDER[j];
      t[j - 1] = (uint32_t)c;
      c >>= 32;
    }
    c += t[NL];
    t[NL - 1] = (uint32_t)c;
    t[NL] = t[NL + 1] + (uint32_t)(c >> 32);
  }
  /* t < 2n: one subtraction at most. */
  if (t[NL] || cmp(t, ORDER) >= 0) sub(t, ORDER);
  memcpy(r, t, NL * sizeof t[0]);
}

/*
 * From the hash and r || s: x = r/s and y = e/s mod n, big-endian, or 0 when r or s is not in
 * [1, n-1] (the signature is refused).
 */
static CL_NOINLINE int ecdsa_scalars(const uint8_t hash[32], const uint8_t sig[64], uint8_t x[32], uint8_t y[32]) {
  uint32_t r[NL], s[NL], e[NL], r2[NL], w[NL], sm[NL], one[NL] = {1};
  decode_be(r, sig);
  decode_be(s, sig + 32);
  if (is_zero(r) || is_zero(s) || cmp(r, ORDER) >= 0 || cmp(s, ORDER) >= 0) return 0;
  /* e: the 256-bit hash, reduced mod n (it is below 2n). */
  decode_be(e, hash);
  if (cmp(e, ORDER) >= 0) sub(e, ORDER);
  /* n0 = -1/n mod 2^32 by Newton's iteration (n is odd; each step doubles the good bits). */
  uint32_t inv = ORDER[0];
  for (int i = 0; i < 5; i++) inv *= 2u - ORDER[0] * inv;
  uint32_t n0 = 0u - inv;
  /* r2 = 2^512 mod n, by doubling 1 512 times. */
  memset(r2, 0, sizeof r2);
  r2[0] = 1;
  for (int k = 0; k < 512; k++) {
    uint32_t carry = 0;
    for (int i = 0; i < NL; i++) {
      uint32_t next = r2[i] >> 31;
      r2[i] = r2[i] << 1 | carry;
      carry = next;
    }
    if (carry || cmp(r2, ORDER) >= 0) sub(r2, ORDER);
  }
  /* w = s^(n-2) = 1/s (Fermat), in Montgomery form: w = R/s. */
  mont_mul(sm, s, r2, n0);  /* s·R */
  mont_mul(w, one, r2, n0); /* R, the Montgomery form of 1 */
  for (int bit = 255; bit >= 0; bit--) {
    uint32_t limb = ORDER[bit / 32] - (bit < 32 ? 2u : 0u); /* n - 2: n's low limb is > 2 */
    mont_mul(w, w, w, n0);
    if ((limb >> (bit % 32)) & 1u) mont_mul(w, w, sm, n0);
  }
  mont_mul(e, e, w, n0); /* e·(R/s)/R = e/s */
  mont_mul(r, r, w, n0); /* r/s */
  encode_be(x, r);
  encode_be(y, e);
  return 1;
}

/* 1 when the x coordinate (big-endian, below p), reduced mod n, is the signature's r. */
static CL_NOINLINE int x_is_r(const uint8_t xq[32], const uint8_t sig[64]) {
  uint32_t x[NL], r[NL];
  decode_be(x, xq);
  decode_be(r, sig);
  if (cmp(x, ORDER) >= 0) sub(x, ORDER); /* p < 2n */
  return cmp(x, r) == 0;
}

int cl_crypto_p256_verify(const uint8_t pub[65], const uint8_t hash[32], const uint8_t sig[64]) {
  uint8_t q[65], x[32], y[32];
  if (pub[0] != 0x04) return -1;
  if (!ecdsa_scalars(hash, sig, x, y)) return -1;
  /* q = x·Q + y·G. muladd refuses a point not on the curve, and a result at infinity. */
  memcpy(q, pub, 65);
  if (br_ec_p256_m31.muladd(q, NULL, 65, x, 32, y, 32, BR_EC_secp256r1) != 1) return -1;
  return x_is_r(q + 1, sig) ? 0 : -1;
}

const char *cl_crypto_backend_name(void) { return "bearssl 0.6"; }

#else
typedef int cl_crypto_bearssl_not_built; /* ISO C wants a declaration in every file */
#endif

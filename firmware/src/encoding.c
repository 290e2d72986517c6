/* Encodings of PROTOCOL.md "Encodings": base32, base64url, hex; constant-time compare. */
#include "claimlink.h"
#include "internal.h"

#include <string.h>

static const char B32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
static const char B64U[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char HEX[] = "0123456789abcdef";

const char *cl_strerror(int err) {
  switch (err) {
    case CL_OK: return "ok";
    case CL_ERR_ARGUMENT: return "invalid argument";
    case CL_ERR_BUFFER: return "buffer too small";
    case CL_ERR_PARSE: return "malformed answer";
    case CL_ERR_MISMATCH: return "proof, MAC or signature does not check";
    case CL_ERR_REFUSED: return "answer refused";
    case CL_ERR_CRYPTO: return "crypto backend failure";
    default: return "unknown error";
  }
}

/* Big-endian bit groups of `width` bits (5: base32, 6: base64url), unpadded, NUL-terminated. */
static int encode_groups(const uint8_t *in, size_t in_len, char *out, size_t out_size, size_t *out_len,
                         const char *alphabet, unsigned width) {
  if ((!in && in_len) || !out) return CL_ERR_ARGUMENT;
  if (in_len > (SIZE_MAX - (width - 1)) / 8) return CL_ERR_ARGUMENT;
  size_t need = (in_len * 8 + width - 1) / width;
  if (out_size < need + 1) return CL_ERR_BUFFER;
  const uint32_t mask = (1u << width) - 1u;
  size_t o = 0;
  uint32_t acc = 0;
  unsigned bits = 0;
  for (size_t i = 0; i < in_len; i++) {
    acc = (acc << 8) | in[i];
    bits += 8;
    while (bits >= width) {
      bits -= width;
      out[o++] = alphabet[(acc >> bits) & mask];
    }
  }
  if (bits) out[o++] = alphabet[(acc << (width - bits)) & mask];
  out[o] = '\0';
  if (out_len) *out_len = o;
  return CL_OK;
}

int cl_base32_encode(const uint8_t *in, size_t in_len, char *out, size_t out_size, size_t *out_len) {
  return encode_groups(in, in_len, out, out_size, out_len, B32, 5);
}

int cl_b64url_encode(const uint8_t *in, size_t in_len, char *out, size_t out_size, size_t *out_len) {
  return encode_groups(in, in_len, out, out_size, out_len, B64U, 6);
}

static int b64u_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

int cl_b64url_decode(const char *in, size_t in_len, uint8_t *out, size_t out_size, size_t *out_len) {
  if ((!in && in_len) || (!out && out_size)) return CL_ERR_ARGUMENT;
  if (in_len % 4 == 1) return CL_ERR_PARSE; /* no byte ends there */
  size_t need = in_len * 3 / 4;
  if (out_size < need) return CL_ERR_BUFFER;
  size_t o = 0;
  uint32_t acc = 0;
  unsigned bits = 0;
  for (size_t i = 0; i < in_len; i++) {
    int v = b64u_value(in[i]);
    if (v < 0) return CL_ERR_PARSE;
    acc = (acc << 6) | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (uint8_t)(acc >> bits);
    }
  }
  /* Canonical form only: the unused low bits of the last character must be zero. */
  if (bits && (acc & ((1u << bits) - 1u))) return CL_ERR_PARSE;
  if (out_len) *out_len = o;
  return CL_OK;
}

int cl_hex_encode(const uint8_t *in, size_t in_len, char *out, size_t out_size) {
  if ((!in && in_len) || !out) return CL_ERR_ARGUMENT;
  if (in_len > (SIZE_MAX - 1) / 2 || out_size < in_len * 2 + 1) return CL_ERR_BUFFER;
  for (size_t i = 0; i < in_len; i++) {
    out[2 * i] = HEX[in[i] >> 4];
    out[2 * i + 1] = HEX[in[i] & 15u];
  }
  out[in_len * 2] = '\0';
  return CL_OK;
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

int cl_hex_decode(const char *in, size_t in_len, uint8_t *out, size_t out_len) {
  if (!in || !out) return CL_ERR_ARGUMENT;
  if (in_len != out_len * 2) return CL_ERR_PARSE;
  for (size_t i = 0; i < out_len; i++) {
    int hi = hex_value(in[2 * i]), lo = hex_value(in[2 * i + 1]);
    if (hi < 0 || lo < 0) return CL_ERR_PARSE;
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  return CL_OK;
}

int cl_ct_equal(const void *a, const void *b, size_t n) {
  const volatile uint8_t *x = (const volatile uint8_t *)a;
  const volatile uint8_t *y = (const volatile uint8_t *)b;
  uint8_t d = 0;
  for (size_t i = 0; i < n; i++) d |= (uint8_t)(x[i] ^ y[i]);
  return d == 0;
}

void cl_wipe(void *p, size_t n) {
  volatile uint8_t *v = (volatile uint8_t *)p;
  while (n--) *v++ = 0;
}

/* ---------------------------------------------------------------- internal helpers */

size_t cl_strnlen(const char *s, size_t max) {
  size_t n = 0;
  while (n < max && s[n]) n++;
  return n;
}

int cl_copy(char *out, size_t out_size, const char *s) {
  size_t n = strlen(s);
  if (n + 1 > out_size) return CL_ERR_BUFFER;
  memcpy(out, s, n + 1);
  return CL_OK;
}

int cl_u64_text(uint64_t v, char out[21]) {
  char tmp[21];
  size_t n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  for (size_t i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
  out[n] = '\0';
  return (int)n;
}

int cl_is_id(const char *s, size_t max) {
  size_t n = cl_strnlen(s, max + 1);
  if (n == 0 || n > max) return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return 0;
  }
  return 1;
}

int cl_is_b64url(const char *s, size_t min, size_t max) {
  size_t n = cl_strnlen(s, max + 1);
  if (n < min || n > max) return 0;
  for (size_t i = 0; i < n; i++)
    if (b64u_value(s[i]) < 0) return 0;
  return 1;
}

int cl_is_base32(const char *s, size_t min, size_t max) {
  size_t n = cl_strnlen(s, max + 1);
  if (n < min || n > max) return 0;
  for (size_t i = 0; i < n; i++)
    if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '2' && s[i] <= '7'))) return 0;
  return 1;
}

int cl_is_field(const char *s, size_t max) {
  size_t n = cl_strnlen(s, max + 1);
  if (n > max) return 0;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) return 0;
  return 1;
}

int cl_mac_fields(const uint8_t *key, size_t key_len, const char *const *fields, size_t nfields,
                  uint8_t out[32]) {
  /* "field\nfield\n...": PROTOCOL.md "Encodings"; callers have checked no field holds '\n'. */
  cl_chunk parts[2 * CL_MAX_FIELDS];
  if (nfields == 0 || nfields > CL_MAX_FIELDS) return CL_ERR_ARGUMENT;
  size_t k = 0;
  for (size_t i = 0; i < nfields; i++) {
    if (i) {
      parts[k].p = "\n";
      parts[k++].n = 1;
    }
    parts[k].p = fields[i];
    parts[k++].n = strlen(fields[i]);
  }
  return cl_crypto_hmac_sha256(key, key_len, parts, k, out) ? CL_ERR_CRYPTO : CL_OK;
}

int cl_mac_b64(const uint8_t *key, size_t key_len, const char *const *fields, size_t nfields,
               char out[CL_MAC_LEN + 1]) {
  uint8_t mac[32];
  int rc = cl_mac_fields(key, key_len, fields, nfields, mac);
  if (rc == CL_OK) rc = cl_b64url_encode(mac, 32, out, CL_MAC_LEN + 1, NULL);
  cl_wipe(mac, sizeof mac);
  return rc;
}

int cl_sha256_hex(const void *body, size_t body_len, char out[65]) {
  uint8_t h[32];
  cl_chunk c = {body, body_len};
  if ((!body && body_len) || cl_crypto_sha256(&c, 1, h)) return CL_ERR_CRYPTO;
  return cl_hex_encode(h, 32, out, 65);
}

/*
 * (1.2) Firmware updates, the device's side of section 7: the version order, firmwareSigned and
 * its signature by a pinned firmware key, the ordered checks 1 to 4, and the image's streaming
 * hash (check 5) through the crypto backend. No I/O: the caller downloads, writes and boots.
 */
#include "claimlink.h"
#include "internal.h"

#include <string.h>

#if defined(__GNUC__)
#define CL_FW_NOINLINE __attribute__((noinline))
#else
#define CL_FW_NOINLINE
#endif

const char *cl_fw_code(cl_fw_result result) {
  switch (result) {
  case CL_FW_OK: return "ok";
  case CL_FW_WRONG_MODEL: return "wrong_model";
  case CL_FW_BAD_SIGNATURE: return "bad_signature";
  case CL_FW_DOWNGRADE: return "downgrade";
  case CL_FW_TOO_LARGE: return "too_large";
  case CL_FW_HASH_MISMATCH: return "hash_mismatch";
  case CL_FW_DOWNLOAD_FAILED: return "download_failed";
  case CL_FW_ROLLED_BACK: return "rolled_back";
  }
  return "unknown";
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int is_alnum(char c) { return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

/* One of MAJOR, MINOR, PATCH: decimal, no leading zero, at most 65535. Advances *s. */
static int version_part(const char **s, uint16_t *out) {
  const char *p = *s;
  uint32_t v = 0;
  size_t n = 0;
  while (is_digit(p[n])) {
    if (n == 5) return 0;
    v = v * 10 + (uint32_t)(p[n] - '0');
    n++;
  }
  if (n == 0 || (n > 1 && p[0] == '0') || v > 65535u) return 0;
  *out = (uint16_t)v;
  *s = p + n;
  return 1;
}

int cl_fw_parse_version(const char *text, cl_fw_version *out) {
  const char *s = text;
  if (!text || !out) return CL_ERR_ARGUMENT;
  memset(out, 0, sizeof *out);
  if (!version_part(&s, &out->major) || *s++ != '.' || !version_part(&s, &out->minor) || *s++ != '.' ||
      !version_part(&s, &out->patch))
    return CL_ERR_PARSE;
  if (*s == '\0') return CL_OK;
  if (*s++ != '-') return CL_ERR_PARSE;
  size_t n = cl_strnlen(s, CL_FW_PRE_MAX + 1);
  if (n == 0 || n > CL_FW_PRE_MAX) return CL_ERR_PARSE;
  /* Identifiers: non-empty, [0-9A-Za-z]; a numeric one without a leading zero (SemVer 2.0, 9). */
  size_t start = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i < n && is_alnum(s[i])) continue;
    if (i < n && s[i] != '.') return CL_ERR_PARSE;
    size_t len = i - start;
    if (len == 0) return CL_ERR_PARSE;
    int numeric = 1;
    for (size_t j = start; j < i; j++) numeric &= is_digit(s[j]);
    if (numeric && len > 1 && s[start] == '0') return CL_ERR_PARSE;
    start = i + 1;
  }
  memcpy(out->pre, s, n);
  out->pre[n] = '\0';
  return CL_OK;
}

/* One pre-release identifier against another (SemVer 2.0, 11.4): numbers numerically (no
   leading zeros, so by length first: up to 32 digits, beyond any integer type), below
   alphanumeric identifiers, which compare in ASCII order. */
static int compare_identifier(const char *a, size_t an, const char *b, size_t bn) {
  int a_num = 1, b_num = 1;
  for (size_t i = 0; i < an; i++) a_num &= is_digit(a[i]);
  for (size_t i = 0; i < bn; i++) b_num &= is_digit(b[i]);
  if (a_num && b_num && an != bn) return an < bn ? -1 : 1;
  if (a_num != b_num) return a_num ? -1 : 1;
  size_t m = an < bn ? an : bn;
  int c = memcmp(a, b, m);
  if (c) return c < 0 ? -1 : 1;
  return an == bn ? 0 : (an < bn ? -1 : 1);
}

/* Up to the next '.' or the end (no strcspn: the stack budget knows only a few libc leaves). */
static size_t identifier_len(const char *s) {
  size_t n = 0;
  while (s[n] && s[n] != '.') n++;
  return n;
}

int cl_fw_compare_versions(const cl_fw_version *a, const cl_fw_version *b) {
  if (a->major != b->major) return a->major < b->major ? -1 : 1;
  if (a->minor != b->minor) return a->minor < b->minor ? -1 : 1;
  if (a->patch != b->patch) return a->patch < b->patch ? -1 : 1;
  /* A pre-release orders below its release. */
  if (!a->pre[0] || !b->pre[0]) return !a->pre[0] && !b->pre[0] ? 0 : (a->pre[0] ? -1 : 1);
  const char *x = a->pre, *y = b->pre;
  for (;;) {
    size_t xn = identifier_len(x), yn = identifier_len(y);
    int c = compare_identifier(x, xn, y, yn);
    if (c) return c;
    x += xn;
    y += yn;
    /* A larger set of identifiers orders above when all before are equal. */
    if (!*x || !*y) return !*x && !*y ? 0 : (*x ? 1 : -1);
    x++;
    y++;
  }
}

/* The fields of firmwareSigned, checked: none may hold a newline or be empty. */
static int signed_fields(const char *model, const char *version, const char *sha256_hex) {
  if (!model || !version || !sha256_hex) return 0;
  size_t m = cl_strnlen(model, CL_FW_MODEL_MAX + 1), v = cl_strnlen(version, CL_FW_VERSION_MAX + 1);
  if (m == 0 || m > CL_FW_MODEL_MAX || v == 0 || v > CL_FW_VERSION_MAX) return 0;
  if (!cl_is_field(model, CL_FW_MODEL_MAX) || !cl_is_field(version, CL_FW_VERSION_MAX)) return 0;
  if (cl_strnlen(sha256_hex, 65) != 64) return 0;
  for (size_t i = 0; i < 64; i++)
    if (!is_digit(sha256_hex[i]) && !(sha256_hex[i] >= 'a' && sha256_hex[i] <= 'f')) return 0;
  return 1;
}

int cl_fw_signed_text(const char *model, const char *version, uint64_t size, const char *sha256_hex, char *out,
                      size_t out_size) {
  char size_text[21];
  cl_writer w;
  if (!out || !signed_fields(model, version, sha256_hex)) return CL_ERR_ARGUMENT;
  cl_u64_text(size, size_text);
  cl_w_init(&w, out, out_size);
  cl_w_str(&w, "claimlink/1 firmware\n");
  cl_w_str(&w, model);
  cl_w_str(&w, "\n");
  cl_w_str(&w, version);
  cl_w_str(&w, "\n");
  cl_w_str(&w, size_text);
  cl_w_str(&w, "\n");
  cl_w_str(&w, sha256_hex);
  return cl_w_end(&w, NULL);
}

int cl_fw_signed_hash(const char *model, const char *version, uint64_t size, const char *sha256_hex,
                      uint8_t hash[32]) {
  char size_text[21];
  if (!hash || !signed_fields(model, version, sha256_hex)) return CL_ERR_ARGUMENT;
  cl_u64_text(size, size_text);
  const char *fields[] = {"claimlink/1 firmware\n", model, "\n", version, "\n", size_text, "\n", sha256_hex};
  cl_chunk parts[8];
  for (size_t i = 0; i < 8; i++) {
    parts[i].p = fields[i];
    parts[i].n = strlen(fields[i]);
  }
  return cl_crypto_sha256(parts, 8, hash) ? CL_ERR_CRYPTO : CL_OK;
}

/* The hash first, in a frame of its own that is gone before the ECDSA verification, the
   deepest call of the library (README.md, "Stack"). */
static CL_FW_NOINLINE int fw_verify(const cl_pinned_key *key, const uint8_t sig[64], const char *model,
                                    const char *version, uint64_t size, const char *sha256_hex) {
  uint8_t hash[32];
  int rc = cl_fw_signed_hash(model, version, size, sha256_hex, hash);
  if (rc) return rc;
  return cl_crypto_p256_verify(key->public_key, hash, sig) == 0 ? CL_OK : CL_ERR_MISMATCH;
}

int cl_fw_verify_signature(const cl_pinned_key *keys, size_t nkeys, const char *kid, const uint8_t sig[64],
                           const char *model, const char *version, uint64_t size, const char *sha256_hex) {
  const cl_pinned_key *key = NULL;
  if ((!keys && nkeys) || !kid || !sig) return CL_ERR_ARGUMENT;
  if (cl_strnlen(kid, CL_KID_LEN + 1) != CL_KID_LEN) return CL_ERR_MISMATCH;
  for (size_t i = 0; i < nkeys; i++)
    if (cl_ct_equal(keys[i].kid, kid, CL_KID_LEN)) key = &keys[i];
  if (!key) return CL_ERR_MISMATCH; /* not a key this firmware trusts */
  int rc = fw_verify(key, sig, model, version, size, sha256_hex);
  return rc == CL_ERR_CRYPTO ? rc : (rc ? CL_ERR_MISMATCH : CL_OK);
}

/* Reads the members firmwareSigned is made of, and sig. 0 when one is missing or malformed:
   then the params cannot be what a firmware key signed. */
static CL_FW_NOINLINE int read_signed_params(cl_json_span root, cl_fw_update *out) {
  cl_json_span v;
  int64_t size;
  char sig[88];
  size_t n = 0;
  if (cl_json_member_string(root, "version", out->version, sizeof out->version) != CL_OK) return 0;
  if (cl_json_member(root, "size", &v) != CL_OK || cl_json_int(v, &size) != CL_OK || size < 0) return 0;
  out->size = (uint64_t)size;
  if (cl_json_member_string(root, "sha256", out->sha256_hex, sizeof out->sha256_hex) != CL_OK ||
      strlen(out->sha256_hex) != 64 || cl_hex_decode(out->sha256_hex, 64, out->sha256, 32) != CL_OK)
    return 0;
  for (size_t i = 0; i < 64; i++)
    if (out->sha256_hex[i] >= 'A' && out->sha256_hex[i] <= 'F') return 0; /* hex is lower case */
  if (cl_json_member_string(root, "kid", out->kid, sizeof out->kid) != CL_OK) return 0;
  if (cl_json_member_string(root, "sig", sig, sizeof sig) != CL_OK || strlen(sig) != 86 ||
      cl_b64url_decode(sig, 86, out->sig, sizeof out->sig, &n) != CL_OK || n != 64)
    return 0;
  return 1;
}

int cl_fw_check_update(const char *params, size_t params_len, const cl_fw_device *device, cl_fw_update *out,
                       cl_fw_result *result) {
  cl_json_span root = {params, params_len};
  cl_fw_version running, target;
  if (!params || !device || !device->model || !device->running || !out || !result) return CL_ERR_ARGUMENT;
  /* The value itself, without the whitespace JSON allows around it. */
  while (root.n && (root.p[0] == ' ' || root.p[0] == '\t' || root.p[0] == '\n' || root.p[0] == '\r')) root.p++, root.n--;
  while (root.n && (root.p[root.n - 1] == ' ' || root.p[root.n - 1] == '\t' || root.p[root.n - 1] == '\n' ||
                    root.p[root.n - 1] == '\r'))
    root.n--;
  if (cl_fw_parse_version(device->running, &running) != CL_OK) return CL_ERR_ARGUMENT;
  memset(out, 0, sizeof *out);
  /* 1. The model, before anything else is read. */
  *result = CL_FW_WRONG_MODEL;
  if (cl_json_validate(root.p, root.n) != CL_OK || cl_json_kind(root) != 'o') return CL_OK;
  if (cl_json_member_string(root, "model", out->model, sizeof out->model) != CL_OK ||
      strcmp(out->model, device->model) != 0)
    return CL_OK;
  /* 2. A pinned firmware key signed exactly these fields. */
  *result = CL_FW_BAD_SIGNATURE;
  if (!read_signed_params(root, out)) return CL_OK;
  int rc = cl_fw_verify_signature(device->keys, device->nkeys, out->kid, out->sig, out->model, out->version,
                                  out->size, out->sha256_hex);
  if (rc == CL_ERR_CRYPTO) return rc;
  if (rc != CL_OK) return CL_OK;
  /* 3. Above the running version (a signed text that is no version does not order above). */
  *result = CL_FW_DOWNGRADE;
  if (cl_fw_parse_version(out->version, &target) != CL_OK || cl_fw_compare_versions(&target, &running) <= 0)
    return CL_OK;
  /* 4. It fits the update partition. */
  *result = CL_FW_TOO_LARGE;
  if (out->size > device->partition_size) return CL_OK;
  /* The URL is not signed (the hash and the signature make the image trustworthy, not where it
     comes from); without one there is nothing to download. */
  *result = CL_FW_DOWNLOAD_FAILED;
  if (cl_json_member_string(root, "url", out->url, sizeof out->url) != CL_OK || !out->url[0]) return CL_OK;
  *result = CL_FW_OK;
  return CL_OK;
}

int cl_fw_image_begin(cl_fw_image *img, uint64_t size) {
  if (!img) return CL_ERR_ARGUMENT;
  memset(img, 0, sizeof *img);
  img->size = size;
  return cl_crypto_sha256_init(&img->sha) ? CL_ERR_CRYPTO : CL_OK;
}

int cl_fw_image_write(cl_fw_image *img, const void *p, size_t n) {
  if (!img || (!p && n)) return CL_ERR_ARGUMENT;
  if (n > img->size - img->offset) return CL_ERR_BUFFER;
  if (n && cl_crypto_sha256_update(&img->sha, p, n)) return CL_ERR_CRYPTO;
  img->offset += n;
  return CL_OK;
}

int cl_fw_image_range(const cl_fw_image *img, char *out, size_t out_size) {
  char from[21], to[21];
  cl_writer w;
  if (!img || !out || img->offset >= img->size) return CL_ERR_ARGUMENT;
  cl_u64_text(img->offset, from);
  cl_u64_text(img->size - 1, to);
  cl_w_init(&w, out, out_size);
  cl_w_str(&w, "bytes=");
  cl_w_str(&w, from);
  cl_w_str(&w, "-");
  cl_w_str(&w, to);
  return cl_w_end(&w, NULL);
}

int cl_fw_image_finish(cl_fw_image *img, const uint8_t expected[32], cl_fw_result *result) {
  uint8_t got[32];
  if (!img || !expected || !result) return CL_ERR_ARGUMENT;
  if (img->offset != img->size) {
    *result = CL_FW_DOWNLOAD_FAILED;
    return CL_OK;
  }
  if (cl_crypto_sha256_finish(&img->sha, got)) return CL_ERR_CRYPTO;
  *result = cl_ct_equal(got, expected, 32) ? CL_FW_OK : CL_FW_HASH_MISMATCH;
  return CL_OK;
}

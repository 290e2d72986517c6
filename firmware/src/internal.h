/* Helpers shared by the library's source files; not part of the public API. */
#ifndef CLAIMLINK_INTERNAL_H
#define CLAIMLINK_INTERNAL_H

#include "claimlink.h"
#include "claimlink_crypto.h"

#define CL_MAX_FIELDS 8

size_t cl_strnlen(const char *s, size_t max);
int cl_copy(char *out, size_t out_size, const char *s);
/* Decimal without leading zeros (PROTOCOL.md "Encodings"); returns the length. */
int cl_u64_text(uint64_t v, char out[21]);

/* Input checks: each returns 1 when s (NUL-terminated) is acceptable. */
int cl_is_id(const char *s, size_t max);                     /* [A-Za-z0-9_-]{1,max} */
int cl_is_b64url(const char *s, size_t min, size_t max);     /* [A-Za-z0-9_-]{min,max} */
int cl_is_base32(const char *s, size_t min, size_t max);     /* [A-Z2-7]{min,max} */
int cl_is_field(const char *s, size_t max);                  /* no control characters */

/* HMAC(key, fields joined with "\n"), raw or as b64url. */
int cl_mac_fields(const uint8_t *key, size_t key_len, const char *const *fields, size_t nfields,
                  uint8_t out[32]);
int cl_mac_b64(const uint8_t *key, size_t key_len, const char *const *fields, size_t nfields,
               char out[CL_MAC_LEN + 1]);
/* hex(SHA-256(body)) */
int cl_sha256_hex(const void *body, size_t body_len, char out[65]);

/* A bounded writer for building JSON bodies and header values. */
typedef struct {
  char *out;
  size_t size;
  size_t len;
  int overflow;
} cl_writer;

void cl_w_init(cl_writer *w, char *out, size_t size);
void cl_w_str(cl_writer *w, const char *s);
/* A JSON string literal, escaping '"' and '\\'; s must hold no control characters. */
void cl_w_json_str(cl_writer *w, const char *s);
int cl_w_end(cl_writer *w, size_t *out_len);

/* Reads a member string of an object into out, with a length check. */
int cl_json_member_string(cl_json_span obj, const char *key, char *out, size_t out_size);

#endif

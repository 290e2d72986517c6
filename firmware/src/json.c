/*
 * A strict JSON reader (RFC 8259) that never allocates: one validating pass over the whole
 * answer, then lookups that return spans into it. Every answer is authenticated (response MAC,
 * pinned signature) over its raw bytes before it is parsed, so a parse differential could only
 * come from a real server; still, duplicate keys and invalid UTF-8 are refused outright.
 */
#include "claimlink.h"
#include "internal.h"

#include <string.h>

#define JSON_MAX_DEPTH 16

static size_t ws(const char *s, size_t n, size_t i) {
  while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
  return i;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static int read_u16(const char *s, size_t n, size_t i, unsigned *out) {
  if (i + 4 > n) return 0;
  unsigned v = 0;
  for (size_t k = 0; k < 4; k++) {
    int h = hexval(s[i + k]);
    if (h < 0) return 0;
    v = v << 4 | (unsigned)h;
  }
  *out = v;
  return 1;
}

/* Length of a valid UTF-8 sequence at s[i] (shortest form, no surrogates, <= U+10FFFF), or 0. */
static size_t utf8_len(const char *s, size_t n, size_t i) {
  const unsigned char *u = (const unsigned char *)s;
  unsigned c = u[i];
  if (c < 0x80) return 1;
  size_t len;
  unsigned min, cp;
  if (c >= 0xC2 && c <= 0xDF) len = 2, min = 0x80, cp = c & 0x1F;
  else if (c >= 0xE0 && c <= 0xEF) len = 3, min = 0x800, cp = c & 0x0F;
  else if (c >= 0xF0 && c <= 0xF4) len = 4, min = 0x10000, cp = c & 0x07;
  else return 0;
  if (i + len > n) return 0;
  for (size_t k = 1; k < len; k++) {
    if ((u[i + k] & 0xC0) != 0x80) return 0;
    cp = cp << 6 | (u[i + k] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

/*
 * Scans the string starting at s[i] == '"'. Returns the index after the closing quote, or 0.
 * When out is not NULL, writes the unescaped UTF-8 (at most out_size - 1 bytes, NUL-terminated)
 * and *out_len; *too_long is set if it did not fit.
 */
static size_t scan_string(const char *s, size_t n, size_t i, char *out, size_t out_size, size_t *out_len,
                          int *too_long) {
  size_t o = 0;
  if (i >= n || s[i] != '"') return 0;
  i++;
  while (i < n) {
    unsigned char c = (unsigned char)s[i];
    char buf[4];
    size_t blen = 0;
    if (c == '"') {
      if (out) {
        if (o < out_size) out[o] = '\0';
        if (out_len) *out_len = o;
      }
      return i + 1;
    }
    if (c < 0x20) return 0;
    if (c == '\\') {
      if (i + 1 >= n) return 0;
      char e = s[i + 1];
      i += 2;
      switch (e) {
        case '"': buf[0] = '"'; blen = 1; break;
        case '\\': buf[0] = '\\'; blen = 1; break;
        case '/': buf[0] = '/'; blen = 1; break;
        case 'b': buf[0] = '\b'; blen = 1; break;
        case 'f': buf[0] = '\f'; blen = 1; break;
        case 'n': buf[0] = '\n'; blen = 1; break;
        case 'r': buf[0] = '\r'; blen = 1; break;
        case 't': buf[0] = '\t'; blen = 1; break;
        case 'u': {
          unsigned cp, lo;
          if (!read_u16(s, n, i, &cp)) return 0;
          i += 4;
          if (cp >= 0xDC00 && cp <= 0xDFFF) return 0; /* a lone low surrogate */
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (i + 2 > n || s[i] != '\\' || s[i + 1] != 'u' || !read_u16(s, n, i + 2, &lo)) return 0;
            if (lo < 0xDC00 || lo > 0xDFFF) return 0;
            i += 6;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          if (cp == 0 && out) return 0; /* valid JSON, but it would truncate a C string */
          if (cp < 0x80) {
            buf[0] = (char)cp;
            blen = 1;
          } else if (cp < 0x800) {
            buf[0] = (char)(0xC0 | cp >> 6);
            buf[1] = (char)(0x80 | (cp & 0x3F));
            blen = 2;
          } else if (cp < 0x10000) {
            buf[0] = (char)(0xE0 | cp >> 12);
            buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
            buf[2] = (char)(0x80 | (cp & 0x3F));
            blen = 3;
          } else {
            buf[0] = (char)(0xF0 | cp >> 18);
            buf[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
            buf[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
            buf[3] = (char)(0x80 | (cp & 0x3F));
            blen = 4;
          }
          break;
        }
        default: return 0;
      }
    } else {
      blen = utf8_len(s, n, i);
      if (!blen) return 0;
      memcpy(buf, s + i, blen);
      i += blen;
    }
    if (out) {
      if (o + blen + 1 > out_size) {
        if (too_long) *too_long = 1;
        out = NULL; /* keep validating; the caller refuses it */
      } else {
        memcpy(out + o, buf, blen);
        o += blen;
      }
    }
  }
  return 0;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?  Returns the index after it, or 0. */
static size_t scan_number(const char *s, size_t n, size_t i) {
  if (i < n && s[i] == '-') i++;
  if (i >= n) return 0;
  if (s[i] == '0') i++;
  else if (s[i] >= '1' && s[i] <= '9')
    while (i < n && is_digit(s[i])) i++;
  else return 0;
  if (i < n && s[i] == '.') {
    i++;
    if (i >= n || !is_digit(s[i])) return 0;
    while (i < n && is_digit(s[i])) i++;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    if (i >= n || !is_digit(s[i])) return 0;
    while (i < n && is_digit(s[i])) i++;
  }
  return i;
}

static size_t scan_literal(const char *s, size_t n, size_t i) {
  static const char *const lits[] = {"true", "false", "null"};
  for (size_t k = 0; k < 3; k++) {
    size_t l = strlen(lits[k]);
    if (i + l <= n && memcmp(s + i, lits[k], l) == 0) return i + l;
  }
  return 0;
}

/* Scans one scalar at s[i]; returns the index after it, or 0. */
static size_t scan_scalar(const char *s, size_t n, size_t i) {
  if (i >= n) return 0;
  if (s[i] == '"') return scan_string(s, n, i, NULL, 0, NULL, NULL);
  if (s[i] == '-' || is_digit(s[i])) return scan_number(s, n, i);
  return scan_literal(s, n, i);
}

int cl_json_validate(const char *text, size_t len) {
  char stack[JSON_MAX_DEPTH];
  size_t depth = 0, i;
  if (!text) return CL_ERR_ARGUMENT;
  i = ws(text, len, 0);
  for (;;) {
    /* A value starts at text[i]. */
    if (i >= len) return CL_ERR_PARSE;
    if (text[i] == '{' || text[i] == '[') {
      if (depth == JSON_MAX_DEPTH) return CL_ERR_PARSE;
      char open = text[i];
      stack[depth++] = open;
      i = ws(text, len, i + 1);
      if (i < len && text[i] == (open == '{' ? '}' : ']')) {
        depth--;
        i++;
      } else {
        if (open == '{') {
          size_t e = scan_string(text, len, i, NULL, 0, NULL, NULL);
          if (!e) return CL_ERR_PARSE;
          i = ws(text, len, e);
          if (i >= len || text[i] != ':') return CL_ERR_PARSE;
          i = ws(text, len, i + 1);
        }
        continue;
      }
    } else {
      size_t e = scan_scalar(text, len, i);
      if (!e) return CL_ERR_PARSE;
      i = e;
    }
    /* After a value: close containers, or a comma and the next value. */
    for (;;) {
      i = ws(text, len, i);
      if (depth == 0) return i == len ? CL_OK : CL_ERR_PARSE;
      if (i >= len) return CL_ERR_PARSE;
      char top = stack[depth - 1];
      if (text[i] == (top == '{' ? '}' : ']')) {
        depth--;
        i++;
        continue;
      }
      if (text[i] != ',') return CL_ERR_PARSE;
      i = ws(text, len, i + 1);
      if (top == '{') {
        size_t e = scan_string(text, len, i, NULL, 0, NULL, NULL);
        if (!e) return CL_ERR_PARSE;
        i = ws(text, len, e);
        if (i >= len || text[i] != ':') return CL_ERR_PARSE;
        i = ws(text, len, i + 1);
      }
      break;
    }
  }
}

/* The end of the (already validated) value starting at s[i]. */
static size_t skip_value(const char *s, size_t n, size_t i) {
  if (i >= n) return 0;
  if (s[i] != '{' && s[i] != '[') return scan_scalar(s, n, i);
  size_t depth = 0;
  while (i < n) {
    char c = s[i];
    if (c == '"') {
      i = scan_string(s, n, i, NULL, 0, NULL, NULL);
      if (!i) return 0;
      continue;
    }
    if (c == '{' || c == '[') depth++;
    else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
    i++;
  }
  return 0;
}

char cl_json_kind(cl_json_span v) {
  if (!v.p || !v.n) return 0;
  switch (v.p[0]) {
    case '{': return 'o';
    case '[': return 'a';
    case '"': return 's';
    case 't': return 't';
    case 'f': return 'f';
    case 'n': return 'z';
    default: return 'n';
  }
}

int cl_json_member(cl_json_span obj, const char *key, cl_json_span *value) {
  const char *s = obj.p;
  size_t n = obj.n, i;
  int found = 0;
  if (!s || !key || !value) return CL_ERR_ARGUMENT;
  if (cl_json_kind(obj) != 'o') return CL_ERR_PARSE;
  size_t keylen = strlen(key);
  i = ws(s, n, 1);
  if (i < n && s[i] == '}') return CL_ERR_PARSE;
  while (i < n) {
    char name[64];
    size_t name_len = 0;
    int too_long = 0;
    size_t e = scan_string(s, n, i, name, sizeof name, &name_len, &too_long);
    if (!e) return CL_ERR_PARSE;
    i = ws(s, n, e);
    if (i >= n || s[i] != ':') return CL_ERR_PARSE;
    i = ws(s, n, i + 1);
    size_t vend = skip_value(s, n, i);
    if (!vend) return CL_ERR_PARSE;
    if (!too_long && name_len == keylen && memcmp(name, key, keylen) == 0) {
      if (found) return CL_ERR_PARSE; /* duplicate member */
      found = 1;
      value->p = s + i;
      value->n = vend - i;
    }
    i = ws(s, n, vend);
    if (i < n && s[i] == ',') {
      i = ws(s, n, i + 1);
      continue;
    }
    if (i < n && s[i] == '}') break;
    return CL_ERR_PARSE;
  }
  return found ? CL_OK : CL_ERR_PARSE;
}

int cl_json_element(cl_json_span arr, size_t index, cl_json_span *value) {
  const char *s = arr.p;
  size_t n = arr.n, i, k = 0;
  if (!s || !value) return CL_ERR_ARGUMENT;
  if (cl_json_kind(arr) != 'a') return CL_ERR_PARSE;
  i = ws(s, n, 1);
  if (i < n && s[i] == ']') return CL_ERR_PARSE;
  while (i < n) {
    size_t vend = skip_value(s, n, i);
    if (!vend) return CL_ERR_PARSE;
    if (k == index) {
      value->p = s + i;
      value->n = vend - i;
      return CL_OK;
    }
    k++;
    i = ws(s, n, vend);
    if (i < n && s[i] == ',') {
      i = ws(s, n, i + 1);
      continue;
    }
    break;
  }
  return CL_ERR_PARSE;
}

int cl_json_count(cl_json_span arr, size_t *count) {
  const char *s = arr.p;
  size_t n = arr.n, i, k = 0;
  if (!s || !count) return CL_ERR_ARGUMENT;
  if (cl_json_kind(arr) != 'a') return CL_ERR_PARSE;
  i = ws(s, n, 1);
  if (i < n && s[i] == ']') {
    *count = 0;
    return CL_OK;
  }
  while (i < n) {
    size_t vend = skip_value(s, n, i);
    if (!vend) return CL_ERR_PARSE;
    k++;
    i = ws(s, n, vend);
    if (i < n && s[i] == ',') {
      i = ws(s, n, i + 1);
      continue;
    }
    if (i < n && s[i] == ']') {
      *count = k;
      return CL_OK;
    }
    break;
  }
  return CL_ERR_PARSE;
}

int cl_json_string(cl_json_span v, char *out, size_t out_size) {
  int too_long = 0;
  size_t len = 0;
  if (!v.p || !out || !out_size) return CL_ERR_ARGUMENT;
  if (cl_json_kind(v) != 's') return CL_ERR_PARSE;
  size_t e = scan_string(v.p, v.n, 0, out, out_size, &len, &too_long);
  if (!e || e != v.n) return CL_ERR_PARSE;
  if (too_long) return CL_ERR_PARSE; /* longer than the protocol allows: not a valid answer */
  return CL_OK;
}

int cl_json_int(cl_json_span v, int64_t *out) {
  size_t i = 0;
  int neg = 0;
  uint64_t acc = 0;
  if (!v.p || !out) return CL_ERR_ARGUMENT;
  if (cl_json_kind(v) != 'n') return CL_ERR_PARSE;
  if (v.p[0] == '-') neg = 1, i = 1;
  if (i >= v.n) return CL_ERR_PARSE;
  for (; i < v.n; i++) {
    if (!is_digit(v.p[i])) return CL_ERR_PARSE; /* a fraction or an exponent */
    unsigned d = (unsigned)(v.p[i] - '0');
    if (acc > (UINT64_C(9223372036854775808) - d) / 10) return CL_ERR_PARSE;
    acc = acc * 10 + d;
  }
  if (!neg && acc > (uint64_t)INT64_MAX) return CL_ERR_PARSE;
  *out = neg ? (acc == UINT64_C(9223372036854775808) ? INT64_MIN : -(int64_t)acc) : (int64_t)acc;
  return CL_OK;
}

int cl_json_member_string(cl_json_span obj, const char *key, char *out, size_t out_size) {
  cl_json_span v;
  int rc = cl_json_member(obj, key, &v);
  if (rc) return rc;
  return cl_json_string(v, out, out_size);
}

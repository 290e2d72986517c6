/*
 * A minimal HTTP/1.1 client on POSIX sockets for the host example: one request per connection
 * (Connection: close), Content-Length bodies out, Content-Length or chunked bodies in.
 * Plain HTTP only; on a board the same calls go through the TLS socket (README.md, "TLS").
 */
#ifndef CLAIMLINK_DEVICE_HTTP_H
#define CLAIMLINK_DEVICE_HTTP_H

#include <stddef.h>

typedef struct {
  char host[256];
  char port[8];
} http_origin;

/* Parses "http://host[:port]" (no path). Returns 0, or -1 with a message on stderr. */
int http_parse_origin(const char *url, http_origin *out);

typedef struct {
  int status;
  char *body; /* points into the caller's buffer, NUL-terminated */
  size_t body_len;
  /* Header values the device reads; NULL when absent. */
  const char *signature;     /* Claimlink-Signature */
  const char *response_mac;  /* Claimlink-Response-MAC */
  const char *retry_after;   /* Retry-After */
} http_response;

/*
 * Sends one request and reads the whole answer into buf. headers: "Name: value" strings,
 * NULL-terminated. Returns 0, or -1 on a network error, a timeout, an answer larger than buf,
 * a malformed answer or a repeated security header (never guess which one counts).
 */
int http_request(const http_origin *origin, const char *method, const char *path, const char *const *headers,
                 const char *body, size_t body_len, int timeout_seconds, char *buf, size_t buf_size,
                 http_response *res);

#endif

#define _POSIX_C_SOURCE 200809L
#include "http.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int http_parse_origin(const char *url, http_origin *out) {
  const char *p;
  memset(out, 0, sizeof *out);
  if (strncmp(url, "http://", 7) != 0) {
    fprintf(stderr, "%s: this host example speaks plain HTTP only (see README.md, \"TLS\")\n", url);
    return -1;
  }
  p = url + 7;
  size_t n = strcspn(p, ":/");
  if (n == 0 || n >= sizeof out->host) return -1;
  memcpy(out->host, p, n);
  p += n;
  if (*p == ':') {
    p++;
    size_t m = strspn(p, "0123456789");
    if (m == 0 || m >= sizeof out->port) return -1;
    memcpy(out->port, p, m);
    p += m;
  } else {
    strcpy(out->port, "80");
  }
  if (*p && strcmp(p, "/") != 0) {
    fprintf(stderr, "%s: give the origin only, without a path\n", url);
    return -1;
  }
  return 0;
}

static int connect_to(const http_origin *o, int timeout_seconds) {
  struct addrinfo hints, *res = NULL, *ai;
  int fd = -1;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(o->host, o->port, &hints, &res) != 0) return -1;
  for (ai = res; ai; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) continue;
    struct timeval tv = {timeout_seconds, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  return fd;
}

static int send_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w <= 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Decodes a chunked body in place. Returns its length, or -1. */
static long dechunk(char *p, size_t n) {
  size_t in = 0, out = 0;
  for (;;) {
    char *end;
    if (in >= n) return -1;
    errno = 0;
    unsigned long size = strtoul(p + in, &end, 16);
    if (end == p + in || errno) return -1;
    char *crlf = strstr(end, "\r\n"); /* chunk extensions are skipped */
    if (!crlf || (size_t)(crlf - p) >= n) return -1;
    in = (size_t)(crlf - p) + 2;
    if (size == 0) return (long)out;
    if (size > n - in || n - in - size < 2 || p[in + size] != '\r' || p[in + size + 1] != '\n') return -1;
    memmove(p + out, p + in, size);
    out += size;
    in += size + 2;
  }
}

int http_request(const http_origin *o, const char *method, const char *path, const char *const *headers,
                 const char *body, size_t body_len, int timeout_seconds, char *buf, size_t buf_size,
                 http_response *res) {
  char head[2048];
  int n, fd;
  size_t len = 0;
  memset(res, 0, sizeof *res);
  n = snprintf(head, sizeof head, "%s %s HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\nAccept: application/json\r\n",
               method, path, o->host, o->port);
  if (n < 0 || (size_t)n >= sizeof head) return -1;
  len = (size_t)n;
  for (size_t i = 0; headers && headers[i]; i++) {
    n = snprintf(head + len, sizeof head - len, "%s\r\n", headers[i]);
    if (n < 0 || (size_t)n >= sizeof head - len) return -1;
    len += (size_t)n;
  }
  if (body || strcmp(method, "POST") == 0) {
    n = snprintf(head + len, sizeof head - len, "Content-Type: application/json\r\nContent-Length: %zu\r\n",
                 body_len);
    if (n < 0 || (size_t)n >= sizeof head - len) return -1;
    len += (size_t)n;
  }
  if (len + 2 >= sizeof head) return -1;
  memcpy(head + len, "\r\n", 3);
  len += 2;

  fd = connect_to(o, timeout_seconds);
  if (fd < 0) return -1;
  if (send_all(fd, head, len) || (body_len && send_all(fd, body, body_len))) {
    close(fd);
    return -1;
  }
  size_t got = 0;
  for (;;) {
    if (got + 1 >= buf_size) {
      close(fd);
      return -1; /* larger than any answer the device expects */
    }
    ssize_t r = recv(fd, buf + got, buf_size - 1 - got, 0);
    if (r < 0) {
      close(fd);
      return -1; /* timeout or interrupted */
    }
    if (r == 0) break;
    got += (size_t)r;
  }
  close(fd);
  buf[got] = '\0';

  char *hend = strstr(buf, "\r\n\r\n");
  if (!hend || strncmp(buf, "HTTP/1.", 7) != 0 || got < 12) return -1;
  *hend = '\0';
  res->status = atoi(buf + 9);
  if (res->status < 100 || res->status > 999) return -1;
  char *bodyp = hend + 4;
  size_t blen = got - (size_t)(bodyp - buf);
  long content_length = -1;
  int chunked = 0;
  /* Headers: split lines in place; names are case-insensitive. */
  char *line = strstr(buf, "\r\n");
  while (line && line < hend) {
    line += 2;
    char *next = strstr(line, "\r\n");
    if (next) *next = '\0';
    char *colon = strchr(line, ':');
    if (colon) {
      *colon = '\0';
      char *v = colon + 1;
      while (*v == ' ' || *v == '\t') v++;
      size_t vl = strlen(v);
      while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t')) v[--vl] = '\0';
      const char **slot = NULL;
      if (strcasecmp(line, "Claimlink-Signature") == 0) slot = &res->signature;
      else if (strcasecmp(line, "Claimlink-Response-MAC") == 0) slot = &res->response_mac;
      else if (strcasecmp(line, "Retry-After") == 0) slot = &res->retry_after;
      else if (strcasecmp(line, "Content-Length") == 0) content_length = atol(v);
      else if (strcasecmp(line, "Transfer-Encoding") == 0 && strcasecmp(v, "chunked") == 0) chunked = 1;
      if (slot) {
        if (*slot) return -1; /* a repeated security header: refuse rather than pick one */
        *slot = v;
      }
    }
    line = next;
  }
  if (chunked) {
    long l = dechunk(bodyp, blen);
    if (l < 0) return -1;
    blen = (size_t)l;
  } else if (content_length >= 0) {
    if ((size_t)content_length > blen) return -1; /* cut short */
    blen = (size_t)content_length;
  }
  bodyp[blen] = '\0';
  res->body = bodyp;
  res->body_len = blen;
  return 0;
}

#include "outbox.h"

#include "claimlink.h"

#include <string.h>

int outbox_valid_item(const char *item) {
  size_t n = strlen(item);
  if (n == 0 || n > READING_JSON_MAX || strchr(item, '\n') || strchr(item, '\r')) return 0;
  cl_json_span s = {item, n};
  return cl_json_validate(item, n) == CL_OK && cl_json_kind(s) == 'o';
}

int outbox_push(outbox *o, const char *item) {
  int dropped = 0;
  if (!outbox_valid_item(item)) return -1;
  if (o->n == OUTBOX_MAX) {
    outbox_drop(o, 1);
    dropped = 1;
  }
  memcpy(o->item[o->n++], item, strlen(item) + 1);
  return dropped;
}

void outbox_drop(outbox *o, size_t n) {
  if (n >= o->n) {
    o->n = 0;
    return;
  }
  memmove(o->item[0], o->item[n], (o->n - n) * sizeof o->item[0]);
  o->n -= n;
}

int outbox_body(const outbox *o, size_t n, char *out, size_t out_size, size_t *out_len) {
  static const char head[] = "{\"measurements\":[", tail[] = "]}";
  size_t len = 0;
  if (n > o->n) n = o->n;
  if (out_size < sizeof head) return -1;
  memcpy(out, head, sizeof head - 1);
  len = sizeof head - 1;
  for (size_t i = 0; i < n; i++) {
    size_t k = strlen(o->item[i]);
    if (len + k + 1 + sizeof tail > out_size) return -1;
    if (i) out[len++] = ',';
    memcpy(out + len, o->item[i], k);
    len += k;
  }
  if (len + sizeof tail > out_size) return -1;
  memcpy(out + len, tail, sizeof tail); /* with the NUL */
  *out_len = len + sizeof tail - 1;
  return 0;
}

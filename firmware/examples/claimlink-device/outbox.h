/*
 * Readings waiting for the server, as device/simulator.ts keeps them: queued (and saved)
 * before they are sent, removed only once an authenticated answer counted them. The server
 * counts a (device, property, time) it already has as a duplicate (section 4), so resending
 * after a lost answer loses and doubles nothing.
 */
#ifndef CLAIMLINK_DEVICE_OUTBOX_H
#define CLAIMLINK_DEVICE_OUTBOX_H

#include <stddef.h>

#define OUTBOX_MAX 512       /* readings kept while the server is away (about 3 min at 1 s, 3 h at 60 s) */
#define OUTBOX_BATCH 96      /* readings per request; the protocol allows 1000 and 256 KiB */
#define READING_JSON_MAX 160 /* one item of "measurements", as JSON */
#define OUTBOX_BODY_MAX (OUTBOX_BATCH * (READING_JSON_MAX + 1) + 32)

typedef struct {
  char item[OUTBOX_MAX][READING_JSON_MAX + 1];
  size_t n;
} outbox;

/* 1 when item is one JSON object of at most READING_JSON_MAX bytes on one line. */
int outbox_valid_item(const char *item);
/* Appends item; when full, the oldest reading is dropped (returns 1), else 0; -1 invalid item. */
int outbox_push(outbox *o, const char *item);
/* Removes the first n readings (those the server acknowledged). */
void outbox_drop(outbox *o, size_t n);
/* {"measurements":[first n items]}; returns 0, or -1 when out is too small. */
int outbox_body(const outbox *o, size_t n, char *out, size_t out_size, size_t *out_len);

#endif

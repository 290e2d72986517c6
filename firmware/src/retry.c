/*
 * One retry policy for every request a device repeats: exponential backoff with full jitter,
 * capped, and at least what the server asked for in Retry-After. A fleet that lost the network
 * at once spreads its retries over the whole window instead of coming back as one flood.
 */
#include "claimlink.h"
#include "internal.h"

#include <string.h>

void cl_backoff_init(cl_backoff *b, uint32_t base_ms, uint32_t cap_ms) {
  if (!b) return;
  b->base_ms = base_ms ? base_ms : 1;
  b->cap_ms = cap_ms < b->base_ms ? b->base_ms : cap_ms;
  if (b->cap_ms > CL_BACKOFF_LIMIT_MS) b->cap_ms = CL_BACKOFF_LIMIT_MS;
  b->attempt = 0;
}

void cl_backoff_reset(cl_backoff *b) {
  if (b) b->attempt = 0;
}

uint32_t cl_backoff_window(const cl_backoff *b) {
  uint32_t w = b->base_ms;
  /* base * 2^attempt, stopping at the cap (no overflow for any attempt count). */
  for (uint32_t i = 0; i < b->attempt && w < b->cap_ms; i++) w = w > b->cap_ms / 2 ? b->cap_ms : w * 2;
  return w < b->cap_ms ? w : b->cap_ms;
}

uint32_t cl_backoff_next(cl_backoff *b, uint32_t random32, int64_t retry_after_seconds) {
  if (!b) return 0;
  uint32_t window = cl_backoff_window(b);
  /* Full jitter: uniform in [0, window] (window <= CL_BACKOFF_LIMIT_MS, so + 1 cannot wrap). */
  uint32_t wait = random32 % (window + 1u);
  if (b->attempt < 64) b->attempt++;
  if (retry_after_seconds > 0) {
    /* The server's Retry-After is a floor; the jitter still spreads those it told the same. */
    uint32_t floor_ms = retry_after_seconds >= CL_BACKOFF_LIMIT_MS / 1000 ? CL_BACKOFF_LIMIT_MS
                                                                         : (uint32_t)retry_after_seconds * 1000u;
    wait = floor_ms + wait > CL_BACKOFF_LIMIT_MS ? CL_BACKOFF_LIMIT_MS : floor_ms + wait;
  }
  return wait;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian), without 64-bit division. */
static int32_t days_from_civil(int32_t y, int32_t m, int32_t d) {
  y -= m <= 2;
  int32_t era = (y >= 0 ? y : y - 399) / 400;
  int32_t yoe = y - era * 400;
  int32_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static int digits(const char *s, size_t n, int32_t *out) {
  int32_t v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 1;
}

int cl_parse_retry_after(const char *value, int64_t now, int64_t *seconds) {
  static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  if (!value || !seconds) return CL_ERR_ARGUMENT;
  *seconds = 0;
  size_t n = cl_strnlen(value, 64);
  while (n && value[n - 1] == ' ') n--;
  while (n && *value == ' ') value++, n--;
  if (n == 0 || n >= 64) return CL_ERR_PARSE;
  if (value[0] >= '0' && value[0] <= '9') {
    /* delta-seconds; a huge one is as good as the cap. */
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
      if (value[i] < '0' || value[i] > '9') return CL_ERR_PARSE;
      if (v < 100000000) v = v * 10 + (value[i] - '0');
    }
    *seconds = v;
    return CL_OK;
  }
  /* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 5.6.7), 29 characters. */
  int32_t day, year, hh, mm, ss, month = -1;
  if (n != 29 || value[3] != ',' || value[4] != ' ' || value[7] != ' ' || value[11] != ' ' || value[16] != ' ' ||
      value[19] != ':' || value[22] != ':' || memcmp(value + 25, " GMT", 4) != 0)
    return CL_ERR_PARSE;
  for (int i = 0; i < 12; i++)
    if (memcmp(value + 8, months + 3 * i, 3) == 0) month = i + 1;
  if (month < 0 || !digits(value + 5, 2, &day) || !digits(value + 12, 4, &year) || !digits(value + 17, 2, &hh) ||
      !digits(value + 20, 2, &mm) || !digits(value + 23, 2, &ss))
    return CL_ERR_PARSE;
  if (day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60 || year < 1970) return CL_ERR_PARSE;
  int64_t at = (int64_t)days_from_civil(year, month, day) * 86400 + hh * 3600 + mm * 60 + ss;
  *seconds = at > now ? at - now : 0;
  return CL_OK;
}

/*
 * Request bodies and the server's answers the device reads (sections 1, 3 and 4). Each parser
 * reads only the members the device needs and checks each against what the protocol allows,
 * so that later code can put ids in a request line or a MAC input without further checks.
 */
#include "claimlink.h"
#include "internal.h"

#include <string.h>

static int root_object(const char *body, size_t len, cl_json_span *root) {
  if (!body || !root) return CL_ERR_ARGUMENT;
  if (cl_json_validate(body, len) != CL_OK) return CL_ERR_PARSE;
  size_t a = 0, b = len;
  while (a < b && (body[a] == ' ' || body[a] == '\t' || body[a] == '\n' || body[a] == '\r')) a++;
  while (b > a && (body[b - 1] == ' ' || body[b - 1] == '\t' || body[b - 1] == '\n' || body[b - 1] == '\r')) b--;
  root->p = body + a;
  root->n = b - a;
  return cl_json_kind(*root) == 'o' ? CL_OK : CL_ERR_PARSE;
}

static int member_id(cl_json_span obj, const char *key, char out[CL_ID_MAX + 1]) {
  int rc = cl_json_member_string(obj, key, out, CL_ID_MAX + 1);
  if (rc == CL_OK && !cl_is_id(out, CL_ID_MAX)) rc = CL_ERR_PARSE;
  return rc;
}

static int member_b64url(cl_json_span obj, const char *key, char *out, size_t max) {
  int rc = cl_json_member_string(obj, key, out, max + 1);
  if (rc == CL_OK && !cl_is_b64url(out, 1, max)) rc = CL_ERR_PARSE;
  return rc;
}

/* Text for a screen: control characters (an ANSI escape, a newline) become '?'. */
static int member_text(cl_json_span obj, const char *key, char *out, size_t out_size) {
  int rc = cl_json_member_string(obj, key, out, out_size);
  if (rc == CL_OK)
    for (char *c = out; *c; c++)
      if ((unsigned char)*c < 0x20 || *c == 0x7f) *c = '?';
  return rc;
}

/* A lower-case code word such as "credential_revoked" or "set_config". */
static int is_code(const char *s, size_t max) {
  size_t n = cl_strnlen(s, max + 1);
  if (n == 0 || n > max) return 0;
  for (size_t i = 0; i < n; i++)
    if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_')) return 0;
  return 1;
}

/* ---------------------------------------------------------------- section 1 */

int cl_build_session_body(const char *model, const char *firmware, char *out, size_t out_size,
                          size_t *out_len) {
  cl_writer w;
  if (!model || !firmware || !out) return CL_ERR_ARGUMENT;
  size_t ml = cl_strnlen(model, 65), fl = cl_strnlen(firmware, 65);
  if (ml == 0 || ml > 64 || fl == 0 || fl > 64) return CL_ERR_ARGUMENT;
  for (size_t i = 0; i < ml; i++) {
    char c = model[i];
    int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && c == '-');
    if (!ok) return CL_ERR_ARGUMENT;
  }
  for (size_t i = 0; i < fl; i++)
    if (firmware[i] < 0x20 || firmware[i] > 0x7e) return CL_ERR_ARGUMENT;
  cl_w_init(&w, out, out_size);
  cl_w_str(&w, "{\"model\":");
  cl_w_json_str(&w, model);
  cl_w_str(&w, ",\"firmware\":");
  cl_w_json_str(&w, firmware);
  cl_w_str(&w, "}");
  return cl_w_end(&w, out_len);
}

int cl_parse_session(const char *body, size_t body_len, const char *origin, uint32_t expected_step,
                     cl_session *out) {
  cl_json_span root, v;
  char claim_url[CL_ORIGIN_MAX + 8], expected_url[CL_ORIGIN_MAX + 8];
  int64_t n;
  cl_writer w;
  if (!origin || !out) return CL_ERR_ARGUMENT;
  int rc = root_object(body, body_len, &root);
  if (rc) return rc;
  memset(out, 0, sizeof *out);
  rc = cl_json_member_string(root, "sid", out->sid, sizeof out->sid);
  if (rc == CL_OK && !cl_is_base32(out->sid, 1, CL_SID_MAX)) rc = CL_ERR_PARSE;
  if (rc == CL_OK) rc = member_b64url(root, "sessionToken", out->session_token, CL_TOKEN_MAX);
  if (rc == CL_OK) rc = cl_json_member(root, "serverTime", &v);
  if (rc == CL_OK) rc = cl_json_int(v, &n);
  if (rc == CL_OK && n < 0) rc = CL_ERR_PARSE;
  if (rc == CL_OK) out->server_time = n;
  if (rc == CL_OK) rc = cl_json_member(root, "step", &v);
  if (rc == CL_OK) rc = cl_json_int(v, &n);
  if (rc == CL_OK && (n <= 0 || n > 3600)) rc = CL_ERR_PARSE;
  if (rc == CL_OK) out->step = (uint32_t)n;
  if (rc == CL_OK) rc = cl_json_member_string(root, "claimUrl", claim_url, sizeof claim_url);
  if (rc) return rc == CL_ERR_BUFFER ? CL_ERR_PARSE : rc;
  /* (1.1) claimUrl must be exactly origin + "/claim", step our own STEP (section 1). */
  cl_w_init(&w, expected_url, sizeof expected_url);
  cl_w_str(&w, origin);
  cl_w_str(&w, "/claim");
  if (cl_w_end(&w, NULL)) return CL_ERR_ARGUMENT;
  if (strcmp(claim_url, expected_url) != 0 || out->step != expected_step) return CL_ERR_REFUSED;
  return CL_OK;
}

int cl_parse_poll(const char *body, size_t body_len, cl_poll_answer *out) {
  cl_json_span root, account, v;
  char state[16];
  if (!out) return CL_ERR_ARGUMENT;
  int rc = root_object(body, body_len, &root);
  if (rc) return rc;
  memset(out, 0, sizeof *out);
  rc = cl_json_member_string(root, "state", state, sizeof state);
  if (rc) return CL_ERR_PARSE;
  if (strcmp(state, "waiting") == 0) {
    out->state = CL_STATE_WAITING;
  } else if (strcmp(state, "expired") == 0) {
    out->state = CL_STATE_EXPIRED;
  } else if (strcmp(state, "locked") == 0) {
    out->state = CL_STATE_LOCKED;
  } else if (strcmp(state, "challenge") == 0) {
    out->state = CL_STATE_CHALLENGE;
    rc = member_id(root, "claimId", out->claim_id);
    if (rc == CL_OK) rc = member_b64url(root, "nonce", out->nonce, CL_NONCE_MAX);
    if (rc == CL_OK) rc = member_b64url(root, "serverProof", out->server_proof, CL_MAC_LEN);
    /* account.displayName is for a confirm button only: optional. */
    if (rc == CL_OK && cl_json_member(root, "account", &account) == CL_OK && cl_json_kind(account) == 'o' &&
        cl_json_member(account, "displayName", &v) == CL_OK && cl_json_kind(v) == 's')
      rc = member_text(account, "displayName", out->display_name, sizeof out->display_name);
  } else if (strcmp(state, "claimed") == 0) {
    out->state = CL_STATE_CLAIMED;
    rc = member_id(root, "deviceId", out->device_id);
    if (rc == CL_OK) rc = member_id(root, "credentialId", out->credential_id);
    if (rc == CL_OK) rc = member_b64url(root, "bindMac", out->bind_mac, CL_MAC_LEN);
    if (rc == CL_OK && cl_json_member(root, "name", &v) == CL_OK)
      rc = member_text(root, "name", out->name, sizeof out->name);
  } else {
    return CL_ERR_PARSE;
  }
  return rc ? CL_ERR_PARSE : CL_OK;
}

/* ---------------------------------------------------------------- section 3 */

int cl_parse_problem(const char *body, size_t body_len, cl_problem *out) {
  cl_json_span root, v;
  if (!out) return CL_ERR_ARGUMENT;
  int rc = root_object(body, body_len, &root);
  if (rc) return rc;
  memset(out, 0, sizeof *out);
  rc = cl_json_member_string(root, "code", out->code, sizeof out->code);
  if (rc || !is_code(out->code, CL_CODE_MAX)) return CL_ERR_PARSE;
  /* (1.1) serverTime in a refusal (stale_timestamp), covered by the MAC or signature. */
  if (cl_json_member(root, "serverTime", &v) == CL_OK) {
    if (cl_json_int(v, &out->server_time) != CL_OK || out->server_time < 0) return CL_ERR_PARSE;
    out->has_server_time = 1;
  }
  return CL_OK;
}

int cl_may_forget_credential(const cl_problem *p, unsigned auth) {
  /* Only a credential_revoked MACed with our own secret is about our credential: a signature
     alone can be spliced from another credential's request (docs/protocol.md, Notes 8). */
  if (!p || !(auth & CL_AUTH_MAC)) return 0;
  return strcmp(p->code, "credential_revoked") == 0;
}

/* ---------------------------------------------------------------- section 4 */

int cl_parse_profile(const char *body, size_t body_len, uint32_t *interval_seconds, size_t *ncommands) {
  cl_json_span root, config, v, commands;
  int64_t n;
  if (!interval_seconds || !ncommands) return CL_ERR_ARGUMENT;
  int rc = root_object(body, body_len, &root);
  if (rc) return rc;
  *interval_seconds = 0;
  *ncommands = 0;
  if (cl_json_member(root, "config", &config) == CL_OK && cl_json_kind(config) == 'o' &&
      cl_json_member(config, "measurementIntervalSeconds", &v) == CL_OK) {
    if (cl_json_int(v, &n) != CL_OK || n < 1 || n > 86400 * 7) return CL_ERR_PARSE;
    *interval_seconds = (uint32_t)n;
  }
  if (cl_json_member(root, "commands", &commands) == CL_OK)
    return cl_json_count(commands, ncommands) == CL_OK ? CL_OK : CL_ERR_PARSE;
  return CL_OK;
}

int cl_profile_command(const char *body, size_t body_len, size_t index, cl_command *out) {
  cl_json_span root, commands, item, params;
  if (!out) return CL_ERR_ARGUMENT;
  int rc = root_object(body, body_len, &root);
  if (rc) return rc;
  memset(out, 0, sizeof *out);
  if (cl_json_member(root, "commands", &commands) != CL_OK || cl_json_element(commands, index, &item) != CL_OK ||
      cl_json_kind(item) != 'o')
    return CL_ERR_PARSE;
  if (member_id(item, "id", out->id) != CL_OK) return CL_ERR_PARSE;
  if (cl_json_member_string(item, "type", out->type, sizeof out->type) != CL_OK || !is_code(out->type, CL_TYPE_MAX))
    return CL_ERR_PARSE;
  if (cl_json_member(item, "params", &params) == CL_OK && cl_json_kind(params) == 'o') {
    out->params = params.p;
    out->params_len = params.n;
  } else {
    out->params = "{}";
    out->params_len = 2;
  }
  /* (1.1) Absent from a 1.0 server; present, it must be a time, or the command is not read. */
  char when[40];
  rc = cl_json_member_string(item, "expiresAt", when, sizeof when);
  if (rc == CL_OK) {
    if (cl_parse_rfc3339(when, &out->expires_at) != CL_OK || out->expires_at <= 0) return CL_ERR_PARSE;
  } else if (cl_json_member(item, "expiresAt", &params) == CL_OK) {
    return CL_ERR_PARSE;
  }
  return CL_OK;
}

int cl_command_expired(const cl_command *c, int64_t now) { return c && c->expires_at > 0 && now >= c->expires_at; }

static int digits(const char *s, size_t n, int *out) {
  int v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 1;
}

int cl_parse_rfc3339(const char *t, int64_t *unix_seconds) {
  int y, mo, d, h, mi, s;
  static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (!t || !unix_seconds) return CL_ERR_ARGUMENT;
  size_t n = cl_strnlen(t, 40);
  if (n < 20 || n >= 40 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':') return CL_ERR_PARSE;
  if (!digits(t, 4, &y) || !digits(t + 5, 2, &mo) || !digits(t + 8, 2, &d) || !digits(t + 11, 2, &h) ||
      !digits(t + 14, 2, &mi) || !digits(t + 17, 2, &s))
    return CL_ERR_PARSE;
  size_t i = 19;
  if (t[i] == '.') {
    size_t f = ++i;
    while (i < n && t[i] >= '0' && t[i] <= '9') i++;
    if (i == f || i - f > 9) return CL_ERR_PARSE;
  }
  if (i != n - 1 || t[i] != 'Z') return CL_ERR_PARSE;
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) || h > 23 ||
      mi > 59 || s > 59)
    return CL_ERR_PARSE;
  /* Days from the civil date (H. Hinnant's days_from_civil), for years >= 1970. */
  int64_t yy = mo <= 2 ? y - 1 : y;
  int64_t era = yy / 400, yoe = yy - era * 400;
  int64_t doy = (153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = era * 146097 + doe - 719468;
  *unix_seconds = days * 86400 + h * 3600 + mi * 60 + s;
  return CL_OK;
}

int cl_build_command_ack(const char *status, const char *detail, char *out, size_t out_size, size_t *out_len) {
  cl_writer w;
  if (!status || !out) return CL_ERR_ARGUMENT;
  if (strcmp(status, "done") != 0 && strcmp(status, "failed") != 0) return CL_ERR_ARGUMENT;
  if (detail) {
    size_t n = cl_strnlen(detail, 257);
    if (n > 256) return CL_ERR_ARGUMENT;
    for (size_t i = 0; i < n; i++)
      if (detail[i] < 0x20 || detail[i] > 0x7e) return CL_ERR_ARGUMENT;
  }
  cl_w_init(&w, out, out_size);
  cl_w_str(&w, "{\"status\":");
  cl_w_json_str(&w, status);
  if (detail) {
    cl_w_str(&w, ",\"detail\":");
    cl_w_json_str(&w, detail);
  }
  cl_w_str(&w, "}");
  return cl_w_end(&w, out_len);
}

int cl_parse_measurements_answer(const char *body, size_t body_len, uint32_t *accepted, uint32_t *duplicates,
                                 uint32_t *rejected) {
  cl_json_span root, v;
  int64_t a, d;
  size_t r = 0;
  if (!accepted || !duplicates || !rejected) return CL_ERR_ARGUMENT;
  int rc = root_object(body, body_len, &root);
  if (rc) return rc;
  if (cl_json_member(root, "accepted", &v) || cl_json_int(v, &a) || a < 0 || a > UINT32_MAX) return CL_ERR_PARSE;
  if (cl_json_member(root, "duplicates", &v) || cl_json_int(v, &d) || d < 0 || d > UINT32_MAX) return CL_ERR_PARSE;
  if (cl_json_member(root, "rejected", &v) == CL_OK && cl_json_count(v, &r) != CL_OK) return CL_ERR_PARSE;
  *accepted = (uint32_t)a;
  *duplicates = (uint32_t)d;
  *rejected = (uint32_t)r;
  return CL_OK;
}

int cl_build_firmware_ack(const char *status, const char *detail, const char *firmware, char *out, size_t out_size,
                          size_t *out_len) {
  cl_writer w;
  if (!status || !out) return CL_ERR_ARGUMENT;
  if (strcmp(status, "done") != 0 && strcmp(status, "failed") != 0 && strcmp(status, "in_progress") != 0)
    return CL_ERR_ARGUMENT;
  const char *texts[2] = {detail, firmware};
  const size_t max[2] = {256, 64};
  for (size_t t = 0; t < 2; t++) {
    if (!texts[t]) continue;
    size_t n = cl_strnlen(texts[t], max[t] + 1);
    if (n > max[t] || (t == 1 && n == 0)) return CL_ERR_ARGUMENT;
    for (size_t i = 0; i < n; i++)
      if (texts[t][i] < 0x20 || texts[t][i] > 0x7e) return CL_ERR_ARGUMENT;
  }
  cl_w_init(&w, out, out_size);
  cl_w_str(&w, "{\"status\":");
  cl_w_json_str(&w, status);
  if (detail) {
    cl_w_str(&w, ",\"detail\":");
    cl_w_json_str(&w, detail);
  }
  if (firmware) {
    cl_w_str(&w, ",\"firmware\":");
    cl_w_json_str(&w, firmware);
  }
  cl_w_str(&w, "}");
  return cl_w_end(&w, out_len);
}

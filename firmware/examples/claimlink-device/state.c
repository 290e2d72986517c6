#define _POSIX_C_SOURCE 200809L
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAGIC "claimlink-device-state 1"

static void chomp(char *s) {
  size_t n = strlen(s);
  while (n && (s[n - 1] == '\n' || s[n - 1] == '\r')) s[--n] = '\0';
}

int state_load(const char *file, const char *server, cl_credential *out, outbox *box, cl_resume *resume) {
  char line[1200], saved_server[256] = "", secret_hex[65] = "";
  FILE *f = fopen(file, "r");
  memset(out, 0, sizeof *out);
  if (box) box->n = 0;
  if (resume) memset(resume, 0, sizeof *resume);
  if (!f) return errno == ENOENT ? 0 : -1;
  int ok = fgets(line, sizeof line, f) && (chomp(line), strcmp(line, MAGIC) == 0);
  while (ok && fgets(line, sizeof line, f)) {
    chomp(line);
    char *v = strchr(line, ' ');
    if (!v) continue;
    *v++ = '\0';
    if (strcmp(line, "server") == 0) snprintf(saved_server, sizeof saved_server, "%s", v);
    else if (strcmp(line, "deviceId") == 0) snprintf(out->device_id, sizeof out->device_id, "%s", v);
    else if (strcmp(line, "credentialId") == 0) snprintf(out->credential_id, sizeof out->credential_id, "%s", v);
    else if (strcmp(line, "name") == 0) snprintf(out->name, sizeof out->name, "%s", v);
    else if (strcmp(line, "secret") == 0) snprintf(secret_hex, sizeof secret_hex, "%s", v);
    else if (strcmp(line, "reading") == 0 && box && outbox_push(box, v) < 0)
      fprintf(stderr, "%s: skipping a malformed saved reading\n", file);
    else if (strcmp(line, "resume") == 0 && resume) {
      uint8_t rec[CL_RESUME_MAX];
      size_t n = strlen(v) / 2;
      if (n > sizeof rec || cl_hex_decode(v, 2 * n, rec, n) != CL_OK || cl_resume_decode(rec, n, resume) != CL_OK)
        fprintf(stderr, "%s: skipping a torn resume record\n", file);
      cl_wipe(rec, sizeof rec);
    }
  }
  fclose(f);
  cl_wipe(line, sizeof line);
  if (ok && !out->device_id[0] && !out->credential_id[0] && !secret_hex[0]) {
    /* No credential yet: only an unfinished first claim (or nothing). */
    if (strcmp(saved_server, server) != 0) {
      fprintf(stderr, "%s was written for %s, not %s\n", file, saved_server, server);
      return -1;
    }
    return 0;
  }
  if (!ok || !out->device_id[0] || !out->credential_id[0] || cl_hex_decode(secret_hex, strlen(secret_hex), out->secret, 32)) {
    fprintf(stderr, "%s: not a claimlink-device state file\n", file);
    cl_wipe(secret_hex, sizeof secret_hex);
    return -1;
  }
  cl_wipe(secret_hex, sizeof secret_hex);
  if (strcmp(saved_server, server) != 0) {
    fprintf(stderr, "%s holds a credential for %s, not %s\n", file, saved_server, server);
    return -1;
  }
  return 1;
}

int state_save(const char *file, const char *server, const cl_credential *cred, const outbox *box,
               const cl_resume *resume) {
  char tmp[1024], secret_hex[65], rec_hex[2 * CL_RESUME_MAX + 1];
  uint8_t rec[CL_RESUME_MAX];
  size_t rec_len = 0;
  if (snprintf(tmp, sizeof tmp, "%s.tmp", file) >= (int)sizeof tmp) return -1;
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return -1;
  FILE *f = fdopen(fd, "w");
  if (!f) {
    close(fd);
    return -1;
  }
  int ok = fprintf(f, "%s\nserver %s\n", MAGIC, server) > 0;
  if (ok && cred) {
    cl_hex_encode(cred->secret, 32, secret_hex, sizeof secret_hex);
    /* The name came through cl_parse_poll, which replaced control characters: one line. */
    ok = fprintf(f, "deviceId %s\ncredentialId %s\nname %s\nsecret %s\n", cred->device_id, cred->credential_id,
                 cred->name, secret_hex) > 0;
    cl_wipe(secret_hex, sizeof secret_hex);
  }
  if (ok && resume && resume->flags) {
    ok = cl_resume_encode(resume, rec, sizeof rec, &rec_len) == CL_OK &&
         cl_hex_encode(rec, rec_len, rec_hex, sizeof rec_hex) == CL_OK && fprintf(f, "resume %s\n", rec_hex) > 0;
    cl_wipe(rec, sizeof rec);
    cl_wipe(rec_hex, sizeof rec_hex);
  }
  for (size_t i = 0; ok && box && i < box->n; i++) ok = fprintf(f, "reading %s\n", box->item[i]) > 0;
  ok = ok && fflush(f) == 0 && fsync(fileno(f)) == 0;
  ok = (fclose(f) == 0) && ok;
  if (!ok || rename(tmp, file) != 0) {
    unlink(tmp);
    return -1;
  }
  return 0;
}

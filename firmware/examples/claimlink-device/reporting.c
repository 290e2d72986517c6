#define _DEFAULT_SOURCE /* M_PI */
/*
 * The signed device API (section 4): the profile with its commands, their acknowledgements,
 * and readings sent through the outbox.
 */
#include "device.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_COMMANDS 16

/* Carries out one command that is not a reprovision; returns the status to report. */
static const char *carry_out(device *d, const cl_command *c, long *interval, const char **detail) {
  if (strcmp(c->type, "identify") == 0) {
    say("*** Blinking the screen so you can find me ***\n");
  } else if (strcmp(c->type, "reboot") == 0) {
    say("Rebooting (simulated).\n");
  } else if (strcmp(c->type, "set_config") == 0) {
    cl_json_span p = {c->params, c->params_len}, v;
    int64_t secs;
    if (cl_json_member(p, "measurementIntervalSeconds", &v) == CL_OK && cl_json_int(v, &secs) == CL_OK &&
        secs >= 1 && secs <= 86400) {
      if (!d->o.interval) *interval = (long)secs;
      say("Measurement interval: %lld s.\n", (long long)secs);
    }
  } else {
    *detail = "unsupported command";
    return "failed";
  }
  return "done";
}

/* Reports a command's outcome (with the firmware running, when not NULL); 1 when the server took it. */
static int acknowledge_with(device *d, const cl_command *c, const char *status, const char *detail,
                            const char *firmware) {
  char body[400], path[CL_PATH_MAX + 1];
  size_t len;
  http_response res;
  unsigned auth;
  cl_problem p;
  if (cl_build_firmware_ack(status, detail, firmware, body, sizeof body, &len) != CL_OK) return 0;
  snprintf(path, sizeof path, "/api/v1/devices/me/commands/%s", c->id);
  if (signed_call(d, "POST", path, body, len, &res, &auth) != 0) return 0;
  if (res.status == 200) {
    say("Acknowledged %s (%s)\n", c->type, c->id);
    return 1;
  }
  if (res.status == 409 && cl_parse_problem(res.body, res.body_len, &p) == CL_OK &&
      strcmp(p.code, "command_expired") == 0) {
    say("Command %s (%s) expired before it was acknowledged: not carrying it out.\n", c->type, c->id);
    return 0;
  }
  print_refusal("Acknowledgement", &res);
  return 0;
}

static int acknowledge(device *d, const cl_command *c, const char *status, const char *detail) {
  return acknowledge_with(d, c, status, detail, NULL);
}

/* (1.2) update_firmware (section 7): checks 1 to 4, the download with check 5, then the
   "reboot" (which does not return); every failure acknowledged with its code. */
static void update_firmware(device *d, const cl_command *c) {
  static cl_fw_update u; /* the URL and the signature: off the stack */
  char detail[200];
  cl_fw_result r = firmware_check(d, c->params, c->params_len, &u, detail, sizeof detail);
  if (r == CL_FW_OK) {
    char progress[96];
    snprintf(progress, sizeof progress, "downloading %llu bytes", (unsigned long long)u.size);
    acknowledge_with(d, c, "in_progress", progress, NULL);
    r = firmware_fetch(d, &u, detail, sizeof detail);
  }
  if (stopping) return;
  if (r != CL_FW_OK) {
    say("Update refused: %s\n", detail);
    acknowledge_with(d, c, "failed", detail, d->running);
    return;
  }
  acknowledge_with(d, c, "in_progress", "image verified; rebooting into it", NULL);
  firmware_reboot_into(d, c->id, &u);
}

int run_commands(device *d, long *interval, int *reprovision, int *exit_now) {
  http_response res;
  unsigned auth;
  uint32_t server_interval;
  size_t n;
  if (signed_call(d, "GET", "/api/v1/devices/me", NULL, 0, &res, &auth) != 0) return -1;
  if (res.status != 200) {
    print_refusal("Profile", &res);
    note_retry_after(d, &res);
    handle_credential_refusal(d, &res, auth);
    return -1;
  }
  if (cl_parse_profile(res.body, res.body_len, &server_interval, &n) != CL_OK) {
    say("Malformed profile.\n");
    return -1;
  }
  if (server_interval && !d->o.interval) *interval = server_interval;
  /* (1.2) A new image acknowledges its update once a signed request has completed: this one. */
  firmware_settle(d);
  /* Commands are copied out first: the answer buffer is reused by the acknowledgements. */
  cl_command cmds[MAX_COMMANDS];
  char params[MAX_COMMANDS][1024]; /* an update_firmware's params are about 400 bytes */
  if (n > MAX_COMMANDS) n = MAX_COMMANDS;
  for (size_t i = 0; i < n; i++) {
    if (cl_profile_command(res.body, res.body_len, i, &cmds[i]) != CL_OK) return -1;
    size_t pl = cmds[i].params_len < sizeof params[i] - 1 ? cmds[i].params_len : 0;
    memcpy(params[i], pl ? cmds[i].params : "{}", pl ? pl : 2);
    params[i][pl ? pl : 2] = '\0';
    cmds[i].params = params[i];
    cmds[i].params_len = strlen(params[i]);
  }
  for (size_t i = 0; i < n && !stopping; i++) {
    cl_command *c = &cmds[i];
    const char *detail = NULL;
    say("Command %s (%s)\n", c->type, c->id);
    /* (1.1) Not carried out late (section 4); the server would refuse its ack as command_expired. */
    if (cl_command_expired(c, device_now(d))) {
      say("Command %s (%s) expired: not carrying it out.\n", c->type, c->id);
      continue;
    }
    if (strcmp(c->type, "update_firmware") == 0) {
      /* The update this image booted from is acknowledged by firmware_settle, not run again. */
      if (strcmp(c->id, d->pending_cmd) != 0 && strcmp(c->id, d->settled_cmd) != 0) update_firmware(d, c);
      continue;
    }
    if (strcmp(c->type, "reprovision") == 0) {
      /* Acknowledged first: re-provisioning replaces the credential the ack is signed with,
         and an ack refused as command_expired means it is not to be done at all. Saved
         before the ack: a reboot after the server took it still re-provisions (README.md,
         "What to persist"), acknowledging it again first. */
      d->resume.flags |= CL_RESUME_REPROVISION;
      snprintf(d->resume.command_id, sizeof d->resume.command_id, "%.64s", c->id);
      if (device_save(d) != 0) return -1;
      power_cut_point("reprovision-saved");
      if (acknowledge(d, c, "done", NULL)) {
        d->resume.command_id[0] = '\0'; /* acknowledged in this run: not again (the file keeps it) */
        *reprovision = 1;
      } else {
        d->resume.flags &= ~CL_RESUME_REPROVISION;
        d->resume.command_id[0] = '\0';
        device_save(d);
      }
      continue;
    }
    const char *status = carry_out(d, c, interval, &detail);
    acknowledge(d, c, status, detail);
    if (d->o.exit_after_command && strcmp(d->o.exit_after_command, c->type) == 0) *exit_now = 1;
  }
  return 0;
}

int acknowledge_reprovision_again(device *d) {
  char body[64], path[CL_PATH_MAX + 1];
  size_t len;
  http_response res;
  unsigned auth;
  cl_problem p;
  if (cl_build_command_ack("done", NULL, body, sizeof body, &len) != CL_OK) return 0;
  snprintf(path, sizeof path, "/api/v1/devices/me/commands/%s", d->resume.command_id);
  if (signed_call(d, "POST", path, body, len, &res, &auth) != 0) return -1;
  if (res.status == 200) {
    say("Acknowledged reprovision (%s) again after a restart\n", d->resume.command_id);
    d->resume.command_id[0] = '\0';
    return 1;
  }
  if (handle_credential_refusal(d, &res, auth)) return -1;
  if (res.status == 409 && cl_parse_problem(res.body, res.body_len, &p) == CL_OK && strcmp(p.code, "command_expired") == 0) {
    say("The reprovision command (%s) expired: not re-provisioning.\n", d->resume.command_id);
    return 0;
  }
  if (res.status == 429 || res.status >= 500) return -1;
  print_refusal("Acknowledgement", &res);
  return 0;
}

/* Three readings, as the TypeScript simulator makes them, queued in the outbox. */
static void queue_readings(device *d, int64_t now) {
  double hour = fmod((double)now / 3600.0, 24.0), jitter = ((double)(rand() % 1000) / 1000.0 - 0.5) * 0.2;
  double temp = 19.5 + 2 * sin((hour - 9) / 24 * 2 * M_PI) + jitter;
  double rh = 48 + 6 * cos(hour / 24 * 2 * M_PI) + jitter * 5;
  double co2 = 620 + 280 * fmax(0, sin((hour - 7) / 24 * 2 * M_PI)) + jitter * 40;
  char item[3][READING_JSON_MAX + 1];
  snprintf(item[0], sizeof item[0], "{\"property\":\"temperature\",\"unit\":\"Cel\",\"time\":%lld,\"value\":%.2f}",
           (long long)now, temp);
  snprintf(item[1], sizeof item[1], "{\"property\":\"relative_humidity\",\"unit\":\"%%\",\"time\":%lld,\"value\":%.1f}",
           (long long)now, rh);
  snprintf(item[2], sizeof item[2], "{\"property\":\"co2\",\"unit\":\"ppm\",\"time\":%lld,\"value\":%.0f}",
           (long long)now, co2);
  for (int i = 0; i < 3; i++)
    if (outbox_push(&d->outbox, item[i]) == 1) say("Outbox full: dropped the oldest reading.\n");
  say("Queued 3 readings at %lld\n", (long long)now);
}

int send_readings(device *d, int send) {
  static char body[OUTBOX_BODY_MAX];
  int64_t now = device_now(d);
  queue_readings(d, now);
  device_save(d); /* queued before sending: a crash or a lost answer loses nothing */
  if (!send) return 1;
  while (d->outbox.n && !stopping) {
    size_t n = d->outbox.n < OUTBOX_BATCH ? d->outbox.n : OUTBOX_BATCH, len;
    http_response res;
    unsigned auth;
    uint32_t acc, dup, rej;
    if (outbox_body(&d->outbox, n, body, sizeof body, &len) != 0) return -1;
    if (signed_call(d, "POST", "/api/v1/devices/me/measurements", body, len, &res, &auth) != 0) {
      say("Keeping %zu readings to send again.\n", d->outbox.n);
      return -1;
    }
    power_cut_point("readings");
    if (res.status != 200) {
      print_refusal("Measurements", &res);
      if (handle_credential_refusal(d, &res, auth)) return -2;
      if (res.status != 400 && res.status != 413) {
        /* 429, 5xx: try again later, not before the server's Retry-After. */
        note_retry_after(d, &res);
        return -1;
      }
      /* The whole batch is malformed or too large: resending it cannot help. */
      say("Dropping %zu readings the server will never take.\n", n);
      outbox_drop(&d->outbox, n);
      device_save(d);
      continue;
    }
    if (cl_parse_measurements_answer(res.body, res.body_len, &acc, &dup, &rej) != CL_OK) return -1;
    outbox_drop(&d->outbox, n);
    device_save(d);
    char iso[32];
    time_t t = (time_t)now;
    strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
    say("%s Sent %zu readings: %u accepted, %u duplicates, %u rejected\n", iso, n, acc, dup, rej);
  }
  return d->outbox.n ? -1 : 0;
}

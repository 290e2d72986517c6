/* Command-line options of claimlink-device (README.md has the table). */
#include "device.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void usage(void) {
  fputs("usage: claimlink-device [--server URL] [--origin URL] [--connect URL] [--state FILE]\n"
        "         [--model NAME] [--firmware VERSION] [--pin B64URL]... [--interval SECONDS]\n"
        "         [--readings N] [--exit-after-command TYPE] [--reprovision] [--confirm] [--no-qr-art]\n"
        "         [--no-rtc] [--clock-drift SECONDS] [--firmware-key B64URL]... [--update-partition FILE]\n"
        "         [--partition-size BYTES] [--fail-next-boot]\n",
        stderr);
}

static int whole_number(const char *name, const char *s, long *out) {
  char *end;
  long n = s ? strtol(s, &end, 10) : 0;
  if (!s || *end || n < 1) {
    fprintf(stderr, "%s needs a whole number >= 1\n", name);
    return -1;
  }
  *out = n;
  return 0;
}

static int add_firmware_key(options *o, const char *k) {
  if (o->nfw_keys == MAX_PINS || cl_pinned_key_from_b64url(k, &o->fw_keys[o->nfw_keys]) != CL_OK) {
    fprintf(stderr, "--firmware-key %s: not a 65-byte P-256 public key in base64url (or more than %d)\n", k,
            MAX_PINS);
    return -1;
  }
  o->nfw_keys++;
  return 0;
}

static int add_pin(options *o, const char *k) {
  if (o->npins == MAX_PINS || cl_pinned_key_from_b64url(k, &o->pins[o->npins]) != CL_OK) {
    fprintf(stderr, "--pin %s: not a 65-byte P-256 public key in base64url (or more than %d)\n", k, MAX_PINS);
    return -1;
  }
  o->npins++;
  return 0;
}

int parse_options(int argc, char **argv, options *o) {
  memset(o, 0, sizeof *o);
  o->server = "http://localhost:3000";
  o->state_file = ".device-state";
  o->model = "sim-room";
  o->firmware = "1.0.0";
  o->qr_art = 1;
  o->partition_size = 4L * 1024 * 1024;
  const char *origin = NULL, *partition = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    const char **slot = NULL;
    if (strcmp(a, "--reprovision") == 0) o->reprovision = 1;
    else if (strcmp(a, "--confirm") == 0) o->confirm = 1;
    else if (strcmp(a, "--no-qr-art") == 0) o->qr_art = 0;
    else if (strcmp(a, "--no-rtc") == 0) o->no_rtc = 1;
    else if (strcmp(a, "--fail-next-boot") == 0) o->fail_next_boot = 1;
    else if (strcmp(a, "--boot-only") == 0) o->boot_only = 1;
    else if (strcmp(a, "--update-partition") == 0) slot = &partition;
    else if (strcmp(a, "--apply-update") == 0) slot = &o->apply_update;
    else if (strcmp(a, "--firmware-key") == 0) {
      if (!v || add_firmware_key(o, v) != 0) {
        if (!v) fprintf(stderr, "%s needs a value\n", a);
        return -1;
      }
      i++;
    } else if (strcmp(a, "--partition-size") == 0) {
      if (whole_number(a, v, &o->partition_size) != 0) return -1;
      i++;
    }
    else if (strcmp(a, "--clock-drift") == 0) {
      char *end;
      o->clock_drift = v ? strtol(v, &end, 10) : 0;
      if (!v || *end || !*v || o->clock_drift < -315360000 || o->clock_drift > 315360000) {
        fprintf(stderr, "--clock-drift needs a whole number of seconds (may be negative)\n");
        return -1;
      }
      i++;
    }
    else if (strcmp(a, "--server") == 0) slot = &o->server;
    else if (strcmp(a, "--origin") == 0) slot = &origin;
    else if (strcmp(a, "--connect") == 0) slot = &o->connect;
    else if (strcmp(a, "--state") == 0) slot = &o->state_file;
    else if (strcmp(a, "--model") == 0) slot = &o->model;
    else if (strcmp(a, "--firmware") == 0) slot = &o->firmware;
    else if (strcmp(a, "--exit-after-command") == 0) slot = &o->exit_after_command;
    else if (strcmp(a, "--pin") == 0 || strcmp(a, "--interval") == 0 || strcmp(a, "--readings") == 0) {
      if (!v) {
        fprintf(stderr, "%s needs a value\n", a);
        return -1;
      }
      i++;
      int rc = a[2] == 'p'   ? add_pin(o, v)
               : a[2] == 'i' ? whole_number(a, v, &o->interval)
                             : whole_number(a, v, &o->readings);
      if (rc) return -1;
    } else {
      fprintf(stderr, "unknown option %s\n", a);
      usage();
      return -1;
    }
    if (slot) {
      if (!v) {
        fprintf(stderr, "%s needs a value\n", a);
        return -1;
      }
      *slot = v;
      i++;
    }
  }
  /* (1.1) The claim origin is built into the firmware; here it defaults to the server's.
     --connect only moves where the bytes go: the QR and the accepted claimUrl stay the origin. */
  const char *src = origin ? origin : o->server;
  size_t n = strlen(src);
  while (n && src[n - 1] == '/') n--;
  if (n == 0 || n > CL_ORIGIN_MAX) {
    fprintf(stderr, "%s: not an origin\n", src);
    return -1;
  }
  memcpy(o->origin, src, n);
  o->origin[n] = '\0';
  int w = partition ? snprintf(o->partition, sizeof o->partition, "%s", partition)
                    : snprintf(o->partition, sizeof o->partition, "%s.ota", o->state_file);
  if (w < 0 || (size_t)w >= sizeof o->partition - 8) {
    fprintf(stderr, "--update-partition: the path is too long\n");
    return -1;
  }
  return 0;
}

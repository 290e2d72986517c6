/*
 * (1.2) Firmware updates (section 7) on the host: a file stands for the update partition
 * (ota_1 on an ESP32) and a small text file for the boot record (otadata). The checks are
 * libclaimlink's (cl_fw_check_update); the image comes in Range requests of FW_CHUNK bytes,
 * each written and hashed as it arrives, so a cut costs at most one chunk and the download goes
 * on from the bytes already stored, in this run or after a restart. Then the device "reboots":
 * it records the update as pending and executes itself again; the new run boots the new version
 * on trial, completes one signed request, acknowledges done with the version it runs, and marks
 * itself good. With --fail-next-boot the new image "does not start": the old one runs and
 * acknowledges failed rolled_back.
 *
 * Files, next to the partition FILE (--update-partition, default STATE.ota):
 *   FILE       the image being written
 *   FILE.dl    "<sha256> <size>": which image FILE holds the start of (resume after a restart)
 *   FILE.boot  "running <version>" and, until acknowledged, "pending <cmd> <new> <old> ok|fail"
 */
#define _DEFAULT_SOURCE /* execv, fsync */
#include "device.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FW_CHUNK (32 * 1024)
#define FW_ATTEMPTS 6 /* tries of one chunk before download_failed */

static void path_of(const device *d, const char *suffix, char *out, size_t size) {
  snprintf(out, size, "%s%s", d->o.partition, suffix);
}

/* Written to FILE.tmp, synced and renamed: a power cut leaves the old record or the new one. */
static int write_text(const char *file, const char *text) {
  char tmp[600];
  snprintf(tmp, sizeof tmp, "%s.tmp", file);
  FILE *f = fopen(tmp, "w");
  if (!f) return -1;
  int ok = fputs(text, f) >= 0 && fflush(f) == 0 && fsync(fileno(f)) == 0;
  ok &= fclose(f) == 0;
  return ok && rename(tmp, file) == 0 ? 0 : -1;
}

static int save_boot_record(device *d) {
  char file[560], text[400];
  int n = snprintf(text, sizeof text, "running %s\n", d->running);
  if (d->pending_cmd[0])
    snprintf(text + n, sizeof text - (size_t)n, "pending %s %s %s %s\n", d->pending_cmd, d->pending_version,
             d->pending_old, d->pending_fails ? "fail" : "ok");
  path_of(d, ".boot", file, sizeof file);
  return write_text(file, text);
}

int firmware_boot(device *d) {
  char file[560], line[400];
  snprintf(d->running, sizeof d->running, "%s", d->o.firmware);
  d->pending_cmd[0] = '\0';
  path_of(d, ".boot", file, sizeof file);
  FILE *f = fopen(file, "r");
  if (!f) return errno == ENOENT ? 0 : -1;
  while (fgets(line, sizeof line, f)) {
    char a[CL_ID_MAX + 1], b[CL_FW_VERSION_MAX + 1], c[CL_FW_VERSION_MAX + 1], e[8];
    if (sscanf(line, "running %64s", b) == 1) snprintf(d->running, sizeof d->running, "%s", b);
    else if (sscanf(line, "pending %64s %64s %64s %7s", a, b, c, e) == 4) {
      snprintf(d->pending_cmd, sizeof d->pending_cmd, "%s", a);
      snprintf(d->pending_version, sizeof d->pending_version, "%s", b);
      snprintf(d->pending_old, sizeof d->pending_old, "%s", c);
      d->pending_fails = strcmp(e, "fail") == 0;
    }
  }
  fclose(f);
  if (!d->pending_cmd[0]) return 0;
  if (d->pending_fails) {
    /* The bootloader found the new image did not confirm itself: it boots the old one. */
    snprintf(d->running, sizeof d->running, "%s", d->pending_old);
    say("Firmware %s did not start: rolled back to %s.\n", d->pending_version, d->running);
  } else {
    snprintf(d->running, sizeof d->running, "%s", d->pending_version);
    say("Booted firmware %s on trial (was %s).\n", d->running, d->pending_old);
  }
  return 0;
}

int firmware_settle(device *d) {
  char body[400], path[CL_PATH_MAX + 1], detail[200];
  size_t len;
  http_response res;
  unsigned auth;
  cl_problem p;
  if (!d->pending_cmd[0]) return 0;
  if (d->pending_fails)
    snprintf(detail, sizeof detail, "rolled_back: %s did not start; running %s", d->pending_version, d->running);
  if (cl_build_firmware_ack(d->pending_fails ? "failed" : "done", d->pending_fails ? detail : NULL, d->running, body,
                            sizeof body, &len) != CL_OK)
    return -1;
  snprintf(path, sizeof path, "/api/v1/devices/me/commands/%s", d->pending_cmd);
  if (signed_call(d, "POST", path, body, len, &res, &auth) != 0) return -1;
  int settled = res.status == 200;
  if (!settled && res.status == 409 && cl_parse_problem(res.body, res.body_len, &p) == CL_OK)
    settled = strcmp(p.code, "command_settled") == 0 || strcmp(p.code, "command_expired") == 0;
  if (!settled) {
    print_refusal("Firmware acknowledgement", &res);
    return -1;
  }
  /* Marked good only now: the new image ran its checks and completed signed requests (on an
     ESP32, esp_ota_mark_app_valid_cancel_rollback). */
  say("%s update %s (%s): running %s.\n", d->pending_fails ? "Reported the failed" : "Acknowledged the",
      d->pending_version, d->pending_cmd, d->running);
  /* The profile that carried this request still lists the command: it must not run again. */
  snprintf(d->settled_cmd, sizeof d->settled_cmd, "%s", d->pending_cmd);
  d->pending_cmd[0] = '\0';
  return save_boot_record(d);
}

/* Splits http://host[:port]/path. */
static int split_url(const char *url, http_origin *origin, char *path, size_t path_size) {
  char o[300];
  if (strncmp(url, "http://", 7) != 0) return -1;
  const char *slash = strchr(url + 7, '/');
  if (!slash || (size_t)(slash - url) >= sizeof o || strlen(slash) >= path_size) return -1;
  memcpy(o, url, (size_t)(slash - url));
  o[slash - url] = '\0';
  strcpy(path, slash);
  return http_parse_origin(o, origin);
}

/* Re-hashes what the partition already holds of this image (after a restart). */
static int resume_from_partition(device *d, const cl_fw_update *u, cl_fw_image *img, FILE *part) {
  char file[560], line[128], want[128];
  path_of(d, ".dl", file, sizeof file);
  snprintf(want, sizeof want, "%s %llu\n", u->sha256_hex, (unsigned long long)u->size);
  FILE *f = fopen(file, "r");
  int same = f && fgets(line, sizeof line, f) && strcmp(line, want) == 0;
  if (f) fclose(f);
  if (!same) {
    if (ftruncate(fileno(part), 0) != 0 || write_text(file, want) != 0) return -1;
    return 0;
  }
  uint8_t buf[4096];
  size_t n;
  rewind(part);
  while (img->offset < u->size && (n = fread(buf, 1, sizeof buf, part)) > 0) {
    if (n > u->size - img->offset) n = (size_t)(u->size - img->offset);
    if (cl_fw_image_write(img, buf, n) != CL_OK) return -1;
  }
  if (ftruncate(fileno(part), (off_t)img->offset) != 0 || fseek(part, 0, SEEK_END) != 0) return -1;
  if (img->offset) say("Resuming the download at byte %llu of %llu.\n", (unsigned long long)img->offset,
                       (unsigned long long)u->size);
  return 0;
}

static cl_fw_result firmware_download(device *d, const cl_fw_update *u) {
  http_origin origin;
  char path[CL_FW_URL_MAX + 1], file[560], range[64], range_h[80];
  cl_fw_image img;
  cl_fw_result result = CL_FW_DOWNLOAD_FAILED;
  if (split_url(u->url, &origin, path, sizeof path) != 0) {
    say("Cannot fetch %s (plain http://host[:port]/path only here).\n", u->url);
    return CL_FW_DOWNLOAD_FAILED;
  }
  path_of(d, "", file, sizeof file);
  FILE *part = fopen(file, "a+b");
  if (!part || cl_fw_image_begin(&img, u->size) != CL_OK || resume_from_partition(d, u, &img, part) != 0) {
    if (part) fclose(part);
    return CL_FW_DOWNLOAD_FAILED;
  }
  int failures = 0;
  while (img.offset < u->size && !stopping) {
    uint64_t to = img.offset + FW_CHUNK - 1 < u->size - 1 ? img.offset + FW_CHUNK - 1 : u->size - 1;
    snprintf(range, sizeof range, "bytes=%llu-%llu", (unsigned long long)img.offset, (unsigned long long)to);
    snprintf(range_h, sizeof range_h, "Range: %s", range);
    const char *headers[] = {range_h, NULL};
    http_response res;
    size_t want = (size_t)(to - img.offset + 1);
    int rc = http_request(&origin, "GET", path, headers, NULL, 0, 30, d->buf, sizeof d->buf, &res);
    /* 206 with exactly the bytes asked for; a 200 only when it is the whole image from 0. */
    int good = rc == 0 && ((res.status == 206 && res.body_len == want) ||
                           (res.status == 200 && img.offset == 0 && res.body_len == u->size));
    if (!good) {
      if (++failures >= FW_ATTEMPTS) break;
      say("Image download: %s at byte %llu; trying again with Range: %s.\n",
          rc ? "cut" : "an unexpected answer", (unsigned long long)img.offset, range);
      nap_ms(100u << failures);
      continue;
    }
    failures = 0;
    /* Written, then hashed: what the hash covers is what the partition holds. */
    if (fwrite(res.body, 1, res.body_len, part) != res.body_len || fflush(part) != 0 ||
        cl_fw_image_write(&img, res.body, res.body_len) != CL_OK)
      break;
    power_cut_point("image-chunk");
  }
  fsync(fileno(part));
  fclose(part);
  if (img.offset == u->size && cl_fw_image_finish(&img, u->sha256, &result) != CL_OK) result = CL_FW_DOWNLOAD_FAILED;
  if (result == CL_FW_HASH_MISMATCH) {
    /* Not this image: the bytes are worthless, and must not be resumed from. */
    remove(file);
    path_of(d, ".dl", file, sizeof file);
    remove(file);
  }
  return result;
}

static void fill_device(const device *d, cl_fw_device *dev) {
  dev->model = d->o.model;
  dev->running = d->running;
  dev->keys = d->o.fw_keys;
  dev->nkeys = d->o.nfw_keys;
  dev->partition_size = (uint64_t)d->o.partition_size;
}

cl_fw_result firmware_check(device *d, const char *params, size_t params_len, cl_fw_update *u, char *detail,
                            size_t detail_size) {
  cl_fw_device dev;
  cl_fw_result r;
  fill_device(d, &dev);
  if (cl_fw_check_update(params, params_len, &dev, u, &r) != CL_OK) {
    snprintf(detail, detail_size, "download_failed: this device's own version %s is not a version", d->running);
    return CL_FW_DOWNLOAD_FAILED;
  }
  switch (r) {
  case CL_FW_OK: break;
  case CL_FW_WRONG_MODEL: snprintf(detail, detail_size, "wrong_model: this device is a %s", d->o.model); break;
  case CL_FW_BAD_SIGNATURE:
    snprintf(detail, detail_size, "bad_signature: not signed by a firmware key this firmware pins");
    break;
  case CL_FW_DOWNGRADE:
    snprintf(detail, detail_size, "downgrade: %.64s does not order above the running %s", u->version, d->running);
    break;
  case CL_FW_TOO_LARGE:
    snprintf(detail, detail_size, "too_large: %llu bytes; the update partition holds %ld",
             (unsigned long long)u->size, d->o.partition_size);
    break;
  default: snprintf(detail, detail_size, "%s: the command names no image URL", cl_fw_code(r)); break;
  }
  return r;
}

cl_fw_result firmware_fetch(device *d, const cl_fw_update *u, char *detail, size_t detail_size) {
  say("Update to %s checked (signed by firmware key %s); downloading %llu bytes.\n", u->version, u->kid,
      (unsigned long long)u->size);
  cl_fw_result r = firmware_download(d, u);
  if (r == CL_FW_HASH_MISMATCH) snprintf(detail, detail_size, "hash_mismatch: the image is not the signed one");
  else if (r != CL_FW_OK) snprintf(detail, detail_size, "download_failed: gave up after %d tries", FW_ATTEMPTS);
  return r;
}

int firmware_record_pending(device *d, const char *command_id, const cl_fw_update *u) {
  snprintf(d->pending_cmd, sizeof d->pending_cmd, "%s", command_id);
  snprintf(d->pending_version, sizeof d->pending_version, "%s", u->version);
  snprintf(d->pending_old, sizeof d->pending_old, "%s", d->running);
  d->pending_fails = d->o.fail_next_boot;
  if (save_boot_record(d) == 0) return 0;
  say("Cannot write the boot record; not rebooting.\n");
  d->pending_cmd[0] = '\0';
  return -1;
}

void firmware_reboot_into(device *d, const char *command_id, const cl_fw_update *u) {
  if (firmware_record_pending(d, command_id, u) != 0) return;
  say("Rebooting into firmware %s.\n", u->version);
  fflush(stdout);
  /* The new "image" is this program again, reading the boot record at start (--fail-next-boot
     is dropped: it was about this boot). */
  char *argv[64];
  int n = 0;
  for (int i = 0; d->argv[i] && n < 63; i++)
    if (strcmp(d->argv[i], "--fail-next-boot") != 0) argv[n++] = d->argv[i];
  argv[n] = NULL;
  execv("/proc/self/exe", argv);
  say("Cannot re-execute (%s).\n", strerror(errno));
  exit(1);
}

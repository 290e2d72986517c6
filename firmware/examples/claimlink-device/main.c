/*
 * claimlink-device: the reference device on a POSIX host, what device/simulator.ts does, on
 * libclaimlink. It shows the rotating QR, answers the claim, keeps its credential and unsent
 * readings in a file, sends readings, acknowledges commands and re-provisions, following
 * PROTOCOL.md 1.1: pinned server keys (--pin), the firmware's own claim origin, and no
 * credential dropped on an answer it cannot authenticate.
 *
 *   claimlink-device --server http://localhost:3000 [--origin URL] [--connect URL] [--state FILE]
 *     [--model NAME] [--firmware VERSION] [--pin B64URL]... [--interval SECONDS] [--readings N]
 *     [--exit-after-command TYPE] [--reprovision] [--confirm] [--no-qr-art]
 *
 * Lines other programs may read (scripts/e2e.mjs does): "QR: <link>", "Claimed as ...",
 * "Re-provisioned as ...", "Command <type> (<id>)", "Acknowledged <type> (<id>)",
 * "Sent N readings: A accepted, D duplicates, R rejected", "Not acting on the answer ...".
 */
#define _DEFAULT_SOURCE /* getrandom, nanosleep, kill */
#include "claimlink_crypto.h"
#include "device.h"
#include "state.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include <time.h>

volatile sig_atomic_t stopping;
static void on_signal(int sig) {
  (void)sig;
  stopping = 1;
}

void say(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  fflush(stdout);
}

static int64_t monotonic_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec;
}

static int64_t monotonic_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void note_retry_after(device *d, const http_response *res) {
  int64_t s = 0;
  if (res->retry_after && cl_parse_retry_after(res->retry_after, device_now(d), &s) == CL_OK) d->retry_after = s;
}

int64_t host_clock(const device *d) {
  /* A board without a real-time clock counts from boot; one with a drifted RTC is off by
     --clock-drift. (faketime(1) moves time() as well, and has the same effect.) */
  if (d->o.no_rtc) return monotonic_seconds() - d->boot;
  return (int64_t)time(NULL) + d->o.clock_drift;
}

int64_t device_now(const device *d) { return host_clock(d) + d->clock_offset; }

/* The caller of libclaimlink provides random bytes: here the kernel's CSPRNG. */
void random_bytes(uint8_t *out, size_t n) {
  while (n) {
    ssize_t r = getrandom(out, n, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      perror("getrandom");
      exit(1);
    }
    out += r;
    n -= (size_t)r;
  }
}

void nap(long seconds) { nap_ms(seconds > 86400 ? 86400000u : (uint32_t)seconds * 1000u); }

void nap_ms(uint32_t ms) {
  while (ms && !stopping) {
    uint32_t step = ms < 100 ? ms : 100;
    struct timespec ts = {0, (long)step * 1000 * 1000};
    nanosleep(&ts, NULL);
    ms -= step;
  }
}

void retry_wait(device *d, const http_response *res, const char *what) {
  int64_t retry_after = 0;
  uint32_t r;
  if (res && res->retry_after && cl_parse_retry_after(res->retry_after, device_now(d), &retry_after) != CL_OK)
    retry_after = 0;
  random_bytes((uint8_t *)&r, sizeof r);
  uint32_t ms = cl_backoff_next(&d->retry, r, retry_after);
  if (!stopping)
    say("%s; retrying in %u.%u s (attempt %u%s).\n", what, ms / 1000, (ms % 1000) / 100, d->retry.attempt,
        retry_after > 0 ? ", after the server's Retry-After" : "");
  nap_ms(ms);
}

void power_cut_point(const char *point) {
  const char *at = getenv("CLAIMLINK_DEVICE_POWER_CUT");
  if (!at || strcmp(at, point) != 0) return;
  say("Power cut at %s.\n", point);
  kill(getpid(), SIGKILL);
}

int device_save(device *d) {
  if (state_save(d->o.state_file, d->o.origin, d->has_cred ? &d->cred : NULL, &d->outbox, &d->resume) == 0) return 0;
  say("Cannot write %s.\n", d->o.state_file);
  return -1;
}

/* --apply-update PARAMS: checks and download without a server (scripts/update-test.mjs), then
   the boot record as a reboot would leave it; exits 0 when the image is ready to boot. */
static int apply_update_offline(device *d) {
  static cl_fw_update u;
  char detail[200];
  cl_fw_result r = firmware_check(d, d->o.apply_update, strlen(d->o.apply_update), &u, detail, sizeof detail);
  if (r == CL_FW_OK) r = firmware_fetch(d, &u, detail, sizeof detail);
  say("Update result: %s\n", cl_fw_code(r));
  if (r != CL_FW_OK) {
    say("Update detail: %s\n", detail);
    return 1;
  }
  d->argv = NULL;
  snprintf(d->pending_cmd, sizeof d->pending_cmd, "offline");
  return firmware_record_pending(d, "offline", &u) == 0 ? 0 : 1;
}

int main(int argc, char **argv) {
  static device d; /* 64 KiB answer buffer and the outbox: not on the stack */
  if (argc == 2 && strcmp(argv[1], "--self-test") == 0) return self_test();
  if (parse_options(argc, argv, &d.o) != 0) return 2;
  d.argv = argv;
  /* (1.2) Which image runs, and an update to acknowledge (update.c). */
  if (firmware_boot(&d) != 0) say("Cannot read the boot record of %s.\n", d.o.partition);
  d.o.firmware = d.running;
  if (d.o.boot_only) {
    say("Running firmware %s%s.\n", d.running, d.pending_cmd[0] ? " (an update to acknowledge)" : "");
    return 0;
  }
  if (d.o.apply_update) return apply_update_offline(&d);
  if (http_parse_origin(d.o.connect ? d.o.connect : d.o.server, &d.http) != 0) return 2;
  /* A host has a real-time clock (maybe a drifted one); a board without one starts at 0 and
     takes its time from the server (README.md, "Boards without a real-time clock"). */
  d.clock_set = !d.o.no_rtc;
  d.boot = monotonic_seconds();
  cl_backoff_init(&d.retry, 1000, 60000);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal; /* no SA_RESTART: a blocking recv returns EINTR */
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  srand((unsigned)time(NULL));

  int loaded = state_load(d.o.state_file, d.o.origin, &d.cred, &d.outbox, &d.resume);
  if (loaded < 0) return 1;
  d.has_cred = loaded == 1;
  say("claimlink-device (libclaimlink %s, %s), server %s, claim origin %s, %zu pinned key(s).\n",
      CL_PROTOCOL_VERSION, cl_crypto_backend_name(), d.o.connect ? d.o.connect : d.o.server, d.o.origin, d.o.npins);
  if (d.has_cred)
    say("Credential %s for device %s loaded from %s (%zu unsent readings).\n", d.cred.credential_id,
        d.cred.device_id, d.o.state_file, d.outbox.n);
  if (d.resume.flags & CL_RESUME_CLAIM) say("Resuming the claim of session %s (claim %s).\n", d.resume.sid, d.resume.claim_id);
  else if (d.resume.flags & CL_RESUME_REPROVISION) say("Resuming a re-provision.\n");
  if (!d.o.no_rtc && d.o.clock_drift) say("Clock: %+ld s off (--clock-drift).\n", d.o.clock_drift);
  if (d.o.no_rtc) say("Clock: none set (--no-rtc); counting from boot until the server tells the time.\n");

  if (d.o.reprovision && d.has_cred) d.resume.flags |= CL_RESUME_REPROVISION;
  if ((!d.has_cred || d.resume.flags) && provision_and_save(&d) != 0) return stopping ? 0 : 1;

  long interval = d.o.interval ? d.o.interval : 60, sent = 0;
  /* Readings are measured every interval whatever the server does; requests to it wait as the
     retry policy says after a failure (a fleet back from an outage is spread, not a flood). */
  int64_t quiet_until = 0;
  while (!stopping) {
    int reprovision = 0, exit_now = 0, failed = 0;
    if (d.need_provision || !d.has_cred || d.resume.flags) {
      d.need_provision = 0;
      if (provision_and_save(&d) != 0) break;
      continue;
    }
    int reach = monotonic_ms() >= quiet_until;
    if (reach) {
      d.retry_after = 0;
      failed = run_commands(&d, &interval, &reprovision, &exit_now) == -1;
      if (exit_now) break;
      if (d.need_provision) continue; /* a credential refusal: nothing more is sent with it */
      if (reprovision && !stopping) {
        if (provision_and_save(&d) != 0) break;
        if (d.o.exit_after_command && strcmp(d.o.exit_after_command, "reprovision") == 0) break;
        continue;
      }
    }
    if (stopping) break;
    int r = send_readings(&d, reach && !failed);
    if (r == -2) continue; /* credential refused: need_provision is set */
    if (reach && !failed && r == 0) {
      cl_backoff_reset(&d.retry);
      if (d.o.readings && ++sent >= d.o.readings) break;
    } else if (reach) {
      uint32_t rnd;
      random_bytes((uint8_t *)&rnd, sizeof rnd);
      uint32_t ms = cl_backoff_next(&d.retry, rnd, d.retry_after);
      quiet_until = monotonic_ms() + ms;
      say("The server did not take the readings; trying again in %u.%u s (attempt %u%s), measuring meanwhile.\n",
          ms / 1000, (ms % 1000) / 100, d.retry.attempt, d.retry_after > 0 ? ", after its Retry-After" : "");
    }
    nap(interval);
  }
  cl_wipe(&d.cred, sizeof d.cred);
  say("Stopped.\n");
  return 0;
}

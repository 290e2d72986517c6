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
#define _DEFAULT_SOURCE /* getrandom, nanosleep */
#include "claimlink_crypto.h"
#include "device.h"
#include "state.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
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

int64_t device_now(const device *d) { return (int64_t)time(NULL) + d->clock_offset; }

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

void nap(long seconds) {
  for (long i = 0; i < seconds * 10 && !stopping; i++) {
    struct timespec ts = {0, 100 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
}

int device_save(device *d) {
  if (state_save(d->o.state_file, d->o.origin, &d->cred, &d->outbox) == 0) return 0;
  say("Cannot write %s.\n", d->o.state_file);
  return -1;
}

int main(int argc, char **argv) {
  static device d; /* 64 KiB answer buffer and the outbox: not on the stack */
  if (argc == 2 && strcmp(argv[1], "--self-test") == 0) return self_test();
  if (parse_options(argc, argv, &d.o) != 0) return 2;
  if (http_parse_origin(d.o.connect ? d.o.connect : d.o.server, &d.http) != 0) return 2;
  d.clock_set = 1; /* a host has a real-time clock; a board without one starts at 0 */

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal; /* no SA_RESTART: a blocking recv returns EINTR */
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  srand((unsigned)time(NULL));

  int loaded = state_load(d.o.state_file, d.o.origin, &d.cred, &d.outbox);
  if (loaded < 0) return 1;
  d.has_cred = loaded == 1;
  say("claimlink-device (libclaimlink %s, %s), server %s, claim origin %s, %zu pinned key(s).\n",
      CL_PROTOCOL_VERSION, cl_crypto_backend_name(), d.o.connect ? d.o.connect : d.o.server, d.o.origin, d.o.npins);
  if (d.has_cred)
    say("Credential %s for device %s loaded from %s (%zu unsent readings).\n", d.cred.credential_id,
        d.cred.device_id, d.o.state_file, d.outbox.n);

  if ((!d.has_cred || d.o.reprovision) && provision_and_save(&d) != 0) return stopping ? 0 : 1;

  long interval = d.o.interval ? d.o.interval : 60, sent = 0;
  while (!stopping) {
    int reprovision = 0, exit_now = 0;
    if (d.need_provision || !d.has_cred) {
      d.need_provision = 0;
      if (provision_and_save(&d) != 0) break;
      continue;
    }
    run_commands(&d, &interval, &reprovision, &exit_now);
    if (exit_now) break;
    if (d.need_provision) continue; /* a credential refusal: nothing more is sent with it */
    if (reprovision && !stopping) {
      if (provision_and_save(&d) != 0) break;
      if (d.o.exit_after_command && strcmp(d.o.exit_after_command, "reprovision") == 0) break;
      continue;
    }
    if (stopping) break;
    int r = send_readings(&d);
    if (r == -2) continue; /* credential refused: need_provision is set */
    if (r == 0 && d.o.readings && ++sent >= d.o.readings) break;
    nap(interval);
  }
  cl_wipe(&d.cred, sizeof d.cred);
  say("Stopped.\n");
  return 0;
}

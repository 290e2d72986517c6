/*
 * What the host program's modules share: its options, the one `device` instance they pass
 * around (libclaimlink has no globals, and neither do the modules beyond `stopping`), and
 * the caller-side services the library asks for (random bytes, a clock).
 *
 *   main.c          the loop: claim, then commands and readings until stopped
 *   args.c          command-line options
 *   calls.c         one request and its answer's authentication (sections 3 and 6)
 *   provisioning.c  sessions, the QR and the claim (sections 1 and 5)
 *   reporting.c     commands and readings through the outbox (section 4)
 *   outbox.c, state.c, http.c, qr.c   storage, transport, display
 */
#ifndef CLAIMLINK_DEVICE_DEVICE_H
#define CLAIMLINK_DEVICE_DEVICE_H

#include "claimlink.h"
#include "http.h"
#include "outbox.h"

#include <signal.h>
#include <stdint.h>

#define MAX_PINS 4
#define ANSWER_MAX (64 * 1024)

typedef struct {
  const char *server;  /* the configured server; the claim origin unless --origin */
  const char *connect; /* (--connect) where requests go instead: a proxy or tunnel; NULL: server */
  char origin[CL_ORIGIN_MAX + 1];
  const char *state_file;
  const char *model;
  const char *firmware;
  cl_pinned_key pins[MAX_PINS];
  size_t npins;
  long interval; /* 0: the server's config */
  long readings; /* exit after this many accepted batches; 0: never */
  const char *exit_after_command;
  int reprovision;
  int confirm;
  int qr_art;
} options;

/* Everything the device holds. One instance, static (the buffers are large). */
typedef struct {
  options o;
  http_origin http;
  cl_credential cred;
  int has_cred;
  int64_t clock_offset; /* authenticated server time minus the host clock */
  int clock_set;
  int need_provision; /* a credential refusal: claim again (signed if the credential is kept) */
  outbox outbox;      /* readings not yet acknowledged by the server, kept in the state file */
  char buf[ANSWER_MAX];
} device;

/* Set by SIGINT/SIGTERM: every loop ends soon after. */
extern volatile sig_atomic_t stopping;

void say(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
int64_t device_now(const device *d);
void random_bytes(uint8_t *out, size_t n);
/* Sleeps, waking early when stopping. */
void nap(long seconds);
/* Writes the credential and the outbox (state.c); says so when it fails. */
int device_save(device *d);

/* args.c */
int parse_options(int argc, char **argv, options *o);
void usage(void);

/* calls.c: 0 answered and authenticated; -1 no answer (network); -2 an answer not to act on. */
int unsigned_call(device *d, const char *method, const char *path, const char *bearer, const char *body,
                  int clock_may_be_unset, http_response *res, unsigned *auth);
int signed_call(device *d, const char *method, const char *path, const char *body, size_t body_len,
                http_response *res, unsigned *auth);
void set_clock(device *d, int64_t server_time, const char *why);
void print_refusal(const char *what, const http_response *res);
/* A 401 credential refusal to a signed request: 1 handled (need_provision set), else 0. */
int handle_credential_refusal(device *d, const http_response *res, unsigned auth);

/* provisioning.c: 0 claimed and saved, -1 stopping or failed. */
int provision_and_save(device *d);

/* reporting.c */
int run_commands(device *d, long *interval, int *reprovision, int *exit_now);
/* Queues three readings and sends the outbox: 0 sent, -1 kept for later, -2 credential refused. */
int send_readings(device *d);

/* selftest.c: `--self-test`, offline. */
int self_test(void);

#endif

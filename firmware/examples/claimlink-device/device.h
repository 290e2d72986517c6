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
 *   update.c        firmware updates: checks, download, "reboot", acknowledgement (section 7)
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
  long clock_drift; /* --clock-drift S: a real-time clock this many seconds off (a test hook) */
  int no_rtc;       /* --no-rtc: no real-time clock; time counts from 0 at boot until set */
  /* (1.2) Firmware updates (update.c) */
  cl_pinned_key fw_keys[MAX_PINS]; /* --firmware-key: keys that may sign this device's firmware */
  size_t nfw_keys;
  char partition[512];   /* --update-partition FILE (default STATE.ota) */
  long partition_size;   /* --partition-size BYTES (default 4 MiB) */
  int fail_next_boot;    /* --fail-next-boot: the next image "does not start" (a test hook) */
  const char *apply_update; /* --apply-update PARAMS: checks and download only, no server (tests) */
  int boot_only;         /* --boot-only: read the boot record, say what runs, exit (tests) */
} options;

/* Everything the device holds. One instance, static (the buffers are large). */
typedef struct {
  options o;
  http_origin http;
  cl_credential cred;
  int has_cred;
  int64_t clock_offset; /* authenticated server time minus host_clock() */
  int clock_set;
  int64_t boot;         /* the monotonic clock at start (--no-rtc) */
  cl_resume resume;     /* persisted with the credential: an unfinished claim or re-provision */
  cl_backoff retry;     /* one retry policy for every repeated request */
  int64_t retry_after;  /* the last refusal's Retry-After in seconds (0: none) */
  int need_provision; /* a credential refusal: claim again (signed if the credential is kept) */
  outbox outbox;      /* readings not yet acknowledged by the server, kept in the state file */
  char **argv;        /* to "reboot" into a new image (update.c) */
  char running[CL_FW_VERSION_MAX + 1];         /* the firmware version running now */
  char pending_cmd[CL_ID_MAX + 1];             /* an update booted but not yet acknowledged */
  char pending_version[CL_FW_VERSION_MAX + 1];
  char pending_old[CL_FW_VERSION_MAX + 1];
  int pending_fails;                           /* the pending image did not start: rolled back */
  char settled_cmd[CL_ID_MAX + 1];             /* the update just acknowledged: still listed in this profile */
  char buf[ANSWER_MAX];
} device;

/* Set by SIGINT/SIGTERM: every loop ends soon after. */
extern volatile sig_atomic_t stopping;

void say(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* The board's own clock: the host's (plus --clock-drift), or seconds since boot (--no-rtc). */
int64_t host_clock(const device *d);
int64_t device_now(const device *d);
void random_bytes(uint8_t *out, size_t n);
/* Sleeps, waking early when stopping. */
void nap(long seconds);
void nap_ms(uint32_t ms);
/*
 * A failed attempt: waits as cl_backoff_next says (Retry-After of res honoured when res is
 * not NULL). A success calls cl_backoff_reset(&d->retry).
 */
void retry_wait(device *d, const http_response *res, const char *what);
/* Keeps a refusal's Retry-After (seconds) in d->retry_after. */
void note_retry_after(device *d, const http_response *res);
/*
 * Test hook for the power-cut tests: with CLAIMLINK_DEVICE_POWER_CUT=<point> in the
 * environment, the program kills itself with SIGKILL the first time it reaches that point
 * (README.md, "What to persist", lists them).
 */
void power_cut_point(const char *point);
/* Writes the credential and the outbox (state.c); says so when it fails. */
int device_save(device *d);

/* args.c */
int parse_options(int argc, char **argv, options *o);
void usage(void);

/* calls.c: 0 answered and authenticated; -1 no answer (network); -2 an answer not to act on. */
int unsigned_call(device *d, const char *method, const char *path, const char *bearer, const char *body,
                  http_response *res, unsigned *auth);
int signed_call(device *d, const char *method, const char *path, const char *body, size_t body_len,
                http_response *res, unsigned *auth);
void set_clock(device *d, int64_t server_time, const char *why);
void print_refusal(const char *what, const http_response *res);
/* A 401 credential refusal to a signed request: 1 handled (need_provision set), else 0. */
int handle_credential_refusal(device *d, const http_response *res, unsigned auth);

/*
 * provisioning.c: 0 claimed and saved (or a re-provision that is not to be done any more),
 * -1 stopping or failed. Resumes an unfinished claim first (d->resume).
 */
int provision_and_save(device *d);

/* reporting.c */
int run_commands(device *d, long *interval, int *reprovision, int *exit_now);
/* After a reboot mid-re-provision: the reprovision command acknowledged again (the same report
   is harmless). 1 go on re-provisioning, 0 not to be done (expired), -1 no answer. */
int acknowledge_reprovision_again(device *d);
/*
 * Queues three readings and, when send is set, sends the outbox: 0 sent, 1 queued only, -1
 * kept for later (the server did not take them; d->retry_after set from a 429/503), -2
 * credential refused.
 */
int send_readings(device *d, int send);

/*
 * update.c (1.2, section 7). firmware_boot reads the boot record at start: the version that
 * runs, and an update to acknowledge. firmware_settle acknowledges it (done, or failed
 * rolled_back) once a signed request has completed, and marks the image good: 0 settled or
 * nothing pending, -1 try again later. firmware_check runs checks 1 to 4, firmware_fetch the
 * download and check 5; both return the result and write "<code>: why" into detail.
 * firmware_reboot_into records the update as pending and executes the program again.
 */
int firmware_boot(device *d);
int firmware_settle(device *d);
cl_fw_result firmware_check(device *d, const char *params, size_t params_len, cl_fw_update *u, char *detail,
                            size_t detail_size);
cl_fw_result firmware_fetch(device *d, const cl_fw_update *u, char *detail, size_t detail_size);
/* The boot record says command_id's image boots next (on trial); 0, or -1 not written. */
int firmware_record_pending(device *d, const char *command_id, const cl_fw_update *u);
void firmware_reboot_into(device *d, const char *command_id, const cl_fw_update *u);

/* selftest.c: `--self-test`, offline. */
int self_test(void);

#endif

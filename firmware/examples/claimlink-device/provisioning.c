/*
 * Provisioning (sections 1 and 5): a session, the rotating QR drawn from the firmware's own
 * origin, the long poll, the answer to a challenge, and the credential kept only when bindMac
 * checks. A device holding a credential signs the session start; the old credential is
 * replaced only once a new one is bound (section 3, 1.1).
 */
#include "device.h"
#include "qr.h"

#include <stdio.h>
#include <string.h>

#define POLL_WAIT_MAX 25

static void show_qr(const device *d, const char *sid, const char *pop, int64_t now) {
  char qr[CL_QR_MAX + 1];
  if (cl_qr_text(d->o.origin, sid, pop, qr, sizeof qr) != CL_OK) return;
  if (d->o.qr_art) {
    say("\n");
    qr_print(stdout, qr);
  }
  say("QR: %s\n", qr);
  say("Code to type: %.4s %.4s %.4s %.4s %.4s %.4s %.2s . %.4s %.4s %.4s %.4s %.4s %.4s %.2s\n", sid, sid + 4,
      sid + 8, sid + 12, sid + 16, sid + 20, sid + 24, pop, pop + 4, pop + 8, pop + 12, pop + 16, pop + 20, pop + 24);
  say("New code in %lld s. Waiting for a claim...\n", (long long)(CL_STEP_SECONDS - now % CL_STEP_SECONDS));
}

static int ask(const char *name) {
  char line[16];
  say("Let %s claim this device? [y/n] ", name[0] ? name : "this account");
  if (!fgets(line, sizeof line, stdin)) return 0;
  return line[0] == 'y' || line[0] == 'Y';
}

/*
 * One provisioning session after another until the device is claimed (section 1), signed with
 * the current credential when it has one (section 5). Returns 0 claimed, -1 stopping.
 */
static int provision(device *d) {
  char body[512], path[CL_PATH_MAX + 1];
  size_t len;
  long backoff = 1;
  while (!stopping) {
    uint8_t pop_seed[32];
    cl_session s;
    http_response res;
    unsigned auth = 0;
    int rc;
    if (cl_build_session_body(d->o.model, d->o.firmware, body, sizeof body, &len) != CL_OK) {
      say("Invalid --model or --firmware.\n");
      return -1;
    }
    /* popSeed never leaves the device (section 1); a new one per session. */
    random_bytes(pop_seed, sizeof pop_seed);
    if (d->has_cred) rc = signed_call(d, "POST", "/api/v1/provisioning/sessions", body, len, &res, &auth);
    else rc = unsigned_call(d, "POST", "/api/v1/provisioning/sessions", NULL, body, 1, &res, &auth);
    if (rc == 0 && res.status != 201) {
      print_refusal("Session start", &res);
      if (d->has_cred) handle_credential_refusal(d, &res, auth);
      rc = -1;
    } else if (rc == 0) {
      rc = cl_parse_session(res.body, res.body_len, d->o.origin, CL_STEP_SECONDS, &s);
      if (rc == CL_ERR_REFUSED)
        say("Refusing the session: its claimUrl is not %s/claim or its step is not %u.\n", d->o.origin,
            CL_STEP_SECONDS);
      else if (rc != CL_OK) say("Malformed session answer.\n");
      else if (auth) set_clock(d, s.server_time, "the session answer");
    } else if (rc == -1) {
      say("Cannot reach %s; retrying in %ld s.\n", d->o.connect ? d->o.connect : d->o.server, backoff);
    }
    if (rc != 0) {
      cl_wipe(pop_seed, sizeof pop_seed);
      nap(backoff);
      backoff = backoff < 30 ? backoff * 2 : 60;
      continue;
    }
    backoff = 1;

    uint64_t shown = UINT64_MAX;
    cl_pending_claim pending;
    int have_pending = 0, restart = 0;
    memset(&pending, 0, sizeof pending);
    while (!stopping && !restart) {
      int64_t now = device_now(d);
      uint64_t T = cl_step_of(now, CL_STEP_SECONDS);
      if (T != shown) {
        char pop[CL_POP_LEN + 1];
        if (cl_pop(pop_seed, s.sid, T, pop) == CL_OK) show_qr(d, s.sid, pop, now);
        cl_wipe(pop, sizeof pop);
        shown = T;
      }
      /* Poll until the next step at most, so the QR is redrawn in time. */
      long wait = (long)(CL_STEP_SECONDS - now % CL_STEP_SECONDS);
      if (wait > POLL_WAIT_MAX) wait = POLL_WAIT_MAX;
      snprintf(path, sizeof path, "/api/v1/provisioning/sessions/%s?wait=%ld", s.sid, wait);
      rc = unsigned_call(d, "GET", path, s.session_token, NULL, 0, &res, &auth);
      if (rc == -1) {
        if (!stopping) say("Poll failed; retrying.\n"), nap(1);
        continue;
      }
      if (rc != 0) {
        nap(1);
        continue;
      }
      if (res.status != 200) {
        print_refusal("Poll", &res);
        restart = 1;
        break;
      }
      cl_poll_answer a;
      if (cl_parse_poll(res.body, res.body_len, &a) != CL_OK) {
        say("Malformed poll answer.\n");
        nap(1);
        continue;
      }
      if (a.state == CL_STATE_WAITING) continue;
      if (a.state == CL_STATE_EXPIRED || a.state == CL_STATE_LOCKED) {
        say("Session %s; starting a new one.\n", a.state == CL_STATE_EXPIRED ? "expired" : "locked");
        restart = 1;
        break;
      }
      if (a.state == CL_STATE_CLAIMED) {
        /* The claim answer was lost but the claim went through: only a device holding the
           pending secret can check bindMac; any other starts again. */
        if (have_pending) {
          cl_credential cred;
          if (cl_accept_claimed(&a, &pending, &cred) == CL_OK) {
            d->cred = cred;
            d->has_cred = 1;
            cl_wipe(pop_seed, sizeof pop_seed);
            return 0;
          }
          have_pending = 0;
        }
        say("Session claimed without this device's secret; starting again.\n");
        restart = 1;
        break;
      }
      /* A challenge. */
      char pop[CL_POP_LEN + 1];
      say("%s is claiming this device.\n", a.display_name[0] ? a.display_name : "Someone");
      snprintf(path, sizeof path, "/api/v1/provisioning/sessions/%s/claims/%s", s.sid, a.claim_id);
      int matched = cl_match_challenge(pop_seed, s.sid, cl_step_of(device_now(d), CL_STEP_SECONDS), &a, pop);
      if (matched != CL_OK || (d->o.confirm && !ask(a.display_name))) {
        const char *reason = matched != CL_OK ? "pop_mismatch" : "user_declined";
        if (matched != CL_OK) say("The claimant's code does not match this screen: refusing (pop_mismatch).\n");
        cl_build_claim_refusal(reason, body, sizeof body, &len);
        if (unsigned_call(d, "POST", path, s.session_token, body, 0, &res, &auth) == 0 && res.status != 200)
          print_refusal("Refusal", &res);
        cl_wipe(pop, sizeof pop);
        continue;
      }
      uint8_t dn[CL_DEVICE_NONCE_BYTES];
      random_bytes(dn, sizeof dn);
      rc = cl_build_claim_accept(pop, s.sid, &a, dn, body, sizeof body, &len, &pending);
      cl_wipe(pop, sizeof pop);
      if (rc != CL_OK) continue;
      have_pending = 1;
      /* The same body again gets the same answer: a lost answer costs nothing (section 1). */
      rc = -1;
      for (int attempt = 0; attempt < 5 && rc != 0 && !stopping; attempt++) {
        rc = unsigned_call(d, "POST", path, s.session_token, body, 0, &res, &auth);
        if (rc == -1) nap(1L << attempt);
      }
      if (rc != 0) continue; /* keep polling: a poll may still answer `claimed` */
      cl_poll_answer claimed;
      if (res.status != 200 || cl_parse_poll(res.body, res.body_len, &claimed) != CL_OK ||
          claimed.state != CL_STATE_CLAIMED) {
        print_refusal("Claim answer", &res);
        cl_wipe(pending.secret, sizeof pending.secret);
        have_pending = 0;
        continue;
      }
      cl_credential cred;
      rc = cl_accept_claimed(&claimed, &pending, &cred);
      have_pending = 0;
      if (rc != CL_OK) {
        say("bindMac does not check: not keeping this credential.\n");
        continue;
      }
      /* Only now is the old credential (if any) replaced (section 3, 1.1). */
      d->cred = cred;
      d->has_cred = 1;
      cl_wipe(&cred, sizeof cred);
      cl_wipe(pop_seed, sizeof pop_seed);
      return 0;
    }
    cl_wipe(pending.secret, sizeof pending.secret);
    cl_wipe(pop_seed, sizeof pop_seed);
  }
  return -1;
}

int provision_and_save(device *d) {
  int had = d->has_cred;
  char old_id[CL_ID_MAX + 1];
  memcpy(old_id, d->cred.device_id, sizeof old_id);
  if (provision(d) != 0) return -1;
  if (d->outbox.n && (!had || strcmp(old_id, d->cred.device_id) != 0)) {
    /* Claimed as another device record (released to a new owner): the readings were not its. */
    say("Dropping %zu unsent readings of the previous device record.\n", d->outbox.n);
    d->outbox.n = 0;
  }
  if (device_save(d) != 0) return -1;
  say("%s \"%s\" (%s), credential %s. State saved to %s.\n", had ? "Re-provisioned as" : "Claimed as", d->cred.name,
      d->cred.device_id, d->cred.credential_id, d->o.state_file);
  return 0;
}

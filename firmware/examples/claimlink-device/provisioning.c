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

/* A `claimed` answer completes the claim in d->resume only if bindMac checks with its secret. */
static int complete_claim(device *d, const cl_poll_answer *a) {
  cl_credential cred;
  if (cl_resume_accept_claimed(a, &d->resume, &cred) != CL_OK) {
    say("bindMac does not check: not keeping this credential.\n");
    return -1;
  }
  /* Only now is the old credential (if any) replaced (section 3, 1.1); provision_and_save
     writes it and the cleared record in one write. */
  d->cred = cred;
  d->has_cred = 1;
  cl_wipe(&cred, sizeof cred);
  return 0;
}

/*
 * After a reboot with an unfinished claim (README.md, "What to persist"): the same accepting
 * answer again to the same claim (section 1: the same POST answers the same 200), or a poll
 * that says `claimed`. 0 claimed, 1 the claim is over without this device (start afresh),
 * -1 stopping.
 */
static int resume_claim(device *d) {
  char body[256], path[CL_PATH_MAX + 1];
  size_t len;
  if (cl_resume_claim_body(&d->resume, body, sizeof body, &len) != CL_OK ||
      cl_resume_claim_path(&d->resume, path, sizeof path) != CL_OK) {
    cl_resume_clear_claim(&d->resume);
    return 1;
  }
  while (!stopping) {
    http_response res;
    unsigned auth = 0;
    cl_poll_answer a;
    int rc = unsigned_call(d, "POST", path, d->resume.session_token, body, &res, &auth);
    if (rc != 0) {
      retry_wait(d, NULL, rc == -1 ? "The claim answer got no answer" : "The claim answer's answer is not to be acted on");
      continue;
    }
    power_cut_point("answer");
    if (res.status == 200 && cl_parse_poll(res.body, res.body_len, &a) == CL_OK && a.state == CL_STATE_CLAIMED &&
        complete_claim(d, &a) == 0) {
      cl_backoff_reset(&d->retry);
      return 0;
    }
    if (res.status == 429 || res.status >= 500) {
      retry_wait(d, &res, "The claim answer was refused for now");
      continue;
    }
    print_refusal("Resumed claim answer", &res);
    /* The claim ended without us (timed out, or refused): the session may still say claimed. */
    char poll[CL_PATH_MAX + 1];
    snprintf(poll, sizeof poll, "/api/v1/provisioning/sessions/%s?wait=0", d->resume.sid);
    if (unsigned_call(d, "GET", poll, d->resume.session_token, NULL, &res, &auth) == 0 && res.status == 200 &&
        cl_parse_poll(res.body, res.body_len, &a) == CL_OK && a.state == CL_STATE_CLAIMED && complete_claim(d, &a) == 0)
      return 0;
    say("The unfinished claim is over; starting a new session.\n");
    cl_resume_clear_claim(&d->resume);
    device_save(d);
    return 1;
  }
  return -1;
}

/*
 * One provisioning session after another until the device is claimed (section 1), signed with
 * the current credential when it has one (section 5). Returns 0 claimed, -1 stopping.
 */
static int provision(device *d) {
  char body[512], path[CL_PATH_MAX + 1];
  size_t len;
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
    else rc = unsigned_call(d, "POST", "/api/v1/provisioning/sessions", NULL, body, &res, &auth);
    if (rc == 0 && res.status != 201) {
      print_refusal("Session start", &res);
      if (d->has_cred) handle_credential_refusal(d, &res, auth);
      rc = -3;
    } else if (rc == 0) {
      rc = cl_parse_session(res.body, res.body_len, d->o.origin, CL_STEP_SECONDS, &s);
      if (rc == CL_ERR_REFUSED)
        say("Refusing the session: its claimUrl is not %s/claim or its step is not %u.\n", d->o.origin,
            CL_STEP_SECONDS);
      else if (rc != CL_OK) say("Malformed session answer.\n");
      /* Section 1: a board without a clock takes serverTime. Authenticated (a pinned signature),
         it also corrects a set clock that is off; unauthenticated, it only starts an unset one
         (the QR's steps: a wrong time costs a refused claim at worst, and the first signed
         request's authenticated stale_timestamp corrects it). */
      else if (auth ? cl_clock_needs_setting(d->clock_set, device_now(d), s.server_time) : !d->clock_set)
        set_clock(d, s.server_time, auth ? "the session answer" : "the session answer's serverTime (unauthenticated)");
    }
    if (rc != 0) {
      cl_wipe(pop_seed, sizeof pop_seed);
      retry_wait(d, rc == -3 ? &res : NULL,
                 rc == -1 ? "Cannot reach the server" : rc == -3 ? "Session start refused" : "Session start failed");
      continue;
    }
    cl_backoff_reset(&d->retry);
    power_cut_point("session");

    uint64_t shown = UINT64_MAX;
    int restart = 0;
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
      rc = unsigned_call(d, "GET", path, s.session_token, NULL, &res, &auth);
      if (rc != 0) {
        retry_wait(d, NULL, rc == -1 ? "Poll failed" : "Poll answer not to be acted on");
        continue;
      }
      if (res.status == 429 || res.status >= 500) {
        retry_wait(d, &res, "Poll refused for now");
        continue;
      }
      if (res.status != 200) {
        print_refusal("Poll", &res);
        restart = 1;
        break;
      }
      cl_backoff_reset(&d->retry);
      cl_poll_answer a;
      if (cl_parse_poll(res.body, res.body_len, &a) != CL_OK) {
        retry_wait(d, NULL, "Malformed poll answer");
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
        if ((d->resume.flags & CL_RESUME_CLAIM) && strcmp(d->resume.sid, s.sid) == 0 && complete_claim(d, &a) == 0) {
          cl_wipe(pop_seed, sizeof pop_seed);
          return 0;
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
        if (unsigned_call(d, "POST", path, s.session_token, body, &res, &auth) == 0 && res.status != 200)
          print_refusal("Refusal", &res);
        cl_wipe(pop, sizeof pop);
        continue;
      }
      power_cut_point("challenge");
      uint8_t dn[CL_DEVICE_NONCE_BYTES];
      random_bytes(dn, sizeof dn);
      rc = cl_resume_claim(&d->resume, s.sid, s.session_token, pop, &a, dn);
      cl_wipe(pop, sizeof pop);
      if (rc == CL_OK) rc = cl_resume_claim_body(&d->resume, body, sizeof body, &len);
      if (rc != CL_OK) continue;
      /* The accepting answer reaches storage before it is sent: if the power goes once the
         server has bound the credential, the device sends it again after the reboot. */
      if (device_save(d) != 0) {
        cl_resume_clear_claim(&d->resume);
        continue;
      }
      power_cut_point("record");
      /* The same body again gets the same answer: a lost answer costs nothing (section 1). */
      rc = -1;
      for (int attempt = 0; attempt < 5 && rc != 0 && !stopping; attempt++) {
        rc = unsigned_call(d, "POST", path, s.session_token, body, &res, &auth);
        if (rc != 0) retry_wait(d, NULL, "The claim answer got no answer");
      }
      if (rc != 0) continue; /* keep polling: a poll may still answer `claimed` */
      cl_backoff_reset(&d->retry);
      power_cut_point("answer");
      cl_poll_answer claimed;
      if (res.status != 200 || cl_parse_poll(res.body, res.body_len, &claimed) != CL_OK ||
          claimed.state != CL_STATE_CLAIMED) {
        print_refusal("Claim answer", &res);
        cl_resume_clear_claim(&d->resume);
        device_save(d);
        continue;
      }
      if (complete_claim(d, &claimed) != 0) continue;
      cl_wipe(pop_seed, sizeof pop_seed);
      return 0;
    }
    cl_wipe(pop_seed, sizeof pop_seed);
  }
  return -1;
}

int provision_and_save(device *d) {
  int had = d->has_cred;
  char old_id[CL_ID_MAX + 1];
  memcpy(old_id, d->cred.device_id, sizeof old_id);
  int claimed = 0;
  if (d->resume.flags & CL_RESUME_CLAIM) {
    int r = resume_claim(d);
    if (r < 0) return -1;
    claimed = r == 0;
  }
  if (!claimed && (d->resume.flags & CL_RESUME_REPROVISION) && d->resume.command_id[0] && d->has_cred) {
    /* Rebooted after saving the re-provision and maybe before the server took its ack. */
    int a;
    while ((a = acknowledge_reprovision_again(d)) < 0 && !stopping && !d->need_provision)
      retry_wait(d, NULL, "The reprovision acknowledgement got no answer");
    if (stopping) return -1;
    if (a == 0) {
      d->resume.flags &= ~CL_RESUME_REPROVISION;
      d->resume.command_id[0] = '\0';
      return device_save(d);
    }
  }
  if (!claimed) {
    if (d->resume.flags & CL_RESUME_REPROVISION) power_cut_point("reprovision-acked");
    if (provision(d) != 0) return -1;
  }
  if (d->outbox.n && (!had || strcmp(old_id, d->cred.device_id) != 0)) {
    /* Claimed as another device record (released to a new owner): the readings were not its. */
    say("Dropping %zu unsent readings of the previous device record.\n", d->outbox.n);
    d->outbox.n = 0;
  }
  /* The new credential and the cleared record in one write (state.c renames one file). */
  d->resume.flags &= ~CL_RESUME_REPROVISION;
  d->resume.command_id[0] = '\0';
  if (device_save(d) != 0) return -1;
  say("%s \"%s\" (%s), credential %s. State saved to %s.\n", had ? "Re-provisioned as" : "Claimed as", d->cred.name,
      d->cred.device_id, d->cred.credential_id, d->o.state_file);
  power_cut_point("stored");
  return 0;
}

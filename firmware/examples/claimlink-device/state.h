/*
 * The device's storage: its credential and its outbox of unsent readings in a small text file
 * (on a board: NVS or EEPROM for the credential, a ring buffer in flash for the readings).
 */
#ifndef CLAIMLINK_DEVICE_STATE_H
#define CLAIMLINK_DEVICE_STATE_H

#include "claimlink.h"
#include "outbox.h"

/*
 * 1 a credential loaded, 0 none (no file, or a file with only an unfinished claim), -1
 * unreadable or for another server (message on stderr). The outbox (may be NULL) receives the
 * saved readings; a reading that is not one JSON object is skipped. resume (may be NULL)
 * receives the unfinished claim or re-provision (cl_resume, flags 0 when none or torn).
 */
int state_load(const char *file, const char *server, cl_credential *out, outbox *box, cl_resume *resume);
/*
 * Written to FILE.tmp (mode 0600), synced and renamed: a crash never leaves half a file, so
 * the credential and the resume record change together. cred and resume may be NULL.
 */
int state_save(const char *file, const char *server, const cl_credential *cred, const outbox *box,
               const cl_resume *resume);

#endif

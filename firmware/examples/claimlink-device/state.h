/*
 * The device's storage: its credential and its outbox of unsent readings in a small text file
 * (on a board: NVS or EEPROM for the credential, a ring buffer in flash for the readings).
 */
#ifndef CLAIMLINK_DEVICE_STATE_H
#define CLAIMLINK_DEVICE_STATE_H

#include "claimlink.h"
#include "outbox.h"

/*
 * 1 loaded, 0 no file, -1 unreadable or for another server (message on stderr). The outbox
 * (may be NULL) receives the saved readings; a reading that is not one JSON object is skipped.
 */
int state_load(const char *file, const char *server, cl_credential *out, outbox *box);
/* Written to FILE.tmp (mode 0600), synced and renamed: a crash never leaves half a file. */
int state_save(const char *file, const char *server, const cl_credential *cred, const outbox *box);

#endif

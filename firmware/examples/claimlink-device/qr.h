#ifndef CLAIMLINK_DEVICE_QR_H
#define CLAIMLINK_DEVICE_QR_H
#include <stdio.h>
/* Draws text as a QR code (libqrencode, level M) with half-block characters. Returns 0 or -1. */
int qr_print(FILE *f, const char *text);
#endif

#include "qr.h"

#include <qrencode.h>

#define QUIET 2 /* modules of light border; 4 is the standard, 2 scans fine on a screen */

/*
 * Two rows of modules per line of text. Light modules are drawn as blocks so that the code
 * reads right on a dark terminal (a phone camera needs dark modules on a light ground).
 */
int qr_print(FILE *f, const char *text) {
  QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (!q) return -1;
  int w = q->width;
  for (int y = -QUIET; y < w + QUIET; y += 2) {
    for (int x = -QUIET; x < w + QUIET; x++) {
      int top = (y >= 0 && y < w && x >= 0 && x < w) ? (q->data[y * w + x] & 1) : 0;
      int bottom = (y + 1 >= 0 && y + 1 < w && x >= 0 && x < w) ? (q->data[(y + 1) * w + x] & 1) : 0;
      fputs(!top && !bottom ? "\xe2\x96\x88" : !top ? "\xe2\x96\x80" : !bottom ? "\xe2\x96\x84" : " ", f);
    }
    fputc('\n', f);
  }
  QRcode_free(q);
  return 0;
}

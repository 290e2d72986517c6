/* HKDF-SHA256 (RFC 5869) over the backend's HMAC, for backends without a heap-free HKDF. */
#include "claimlink.h"
#include "claimlink_crypto.h"

#include <string.h>

int cl_hkdf_sha256_over_hmac(const uint8_t *ikm, size_t ikm_len, const uint8_t *salt, size_t salt_len,
                             const uint8_t *info, size_t info_len, uint8_t *out, size_t out_len) {
  static const uint8_t zeros[32] = {0};
  uint8_t prk[32], t[32];
  size_t done = 0;
  uint8_t counter = 0;
  int rc = 0;
  if ((!ikm && ikm_len) || (!salt && salt_len) || (!info && info_len) || !out || out_len > 255 * 32) return -1;
  /* Extract: PRK = HMAC(salt, IKM); an empty salt is HashLen zeros (RFC 5869 2.2). */
  cl_chunk c = {ikm, ikm_len};
  if (salt_len) rc = cl_crypto_hmac_sha256(salt, salt_len, &c, 1, prk);
  else rc = cl_crypto_hmac_sha256(zeros, sizeof zeros, &c, 1, prk);
  /* Expand: T(i) = HMAC(PRK, T(i-1) || info || i). */
  while (rc == 0 && done < out_len) {
    counter++;
    cl_chunk parts[3] = {{t, counter > 1 ? 32u : 0u}, {info, info_len}, {&counter, 1}};
    rc = cl_crypto_hmac_sha256(prk, 32, parts, 3, t);
    size_t take = out_len - done < 32 ? out_len - done : 32;
    if (rc == 0) memcpy(out + done, t, take);
    done += take;
  }
  cl_wipe(prk, sizeof prk);
  cl_wipe(t, sizeof t);
  return rc;
}

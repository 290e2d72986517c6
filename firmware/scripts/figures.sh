#!/usr/bin/env bash
# The figures in README.md: code size of the protocol core (-Os, .text), peak stack per public
# function, and the time of one claim handshake's device-side crypto, per backend. x86-64 stands
# in for the ESP's Xtensa/RISC-V: sizes and stack are indicative, not exact, for a board.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
CORE=(encoding json protocol answers server_sig hkdf retry resume)
CFLAGS=(-std=c99 -Os -DNDEBUG -ffunction-sections -fdata-sections -Iinclude -Isrc)
lib_of() { [[ $1 == mbedtls ]] && echo /usr/lib/x86_64-linux-gnu/libmbedcrypto.a || echo /usr/lib/x86_64-linux-gnu/libbearssl.a; }

echo "machine: $(uname -m), $(nproc) cores, $(. /etc/os-release && echo "$PRETTY_NAME"), gcc $(gcc -dumpfullversion)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo
echo "## Code size (.text, bytes, gcc -Os)"
for f in "${CORE[@]}"; do gcc "${CFLAGS[@]}" -fstack-usage -c "src/$f.c" -o "$out/$f.o"; done
core=0
for f in "${CORE[@]}"; do
  t=$(size -A "$out/$f.o" | awk '$1 ~ /^\.text/ {s += $2} END {print s + 0}')
  printf "  %-14s %6d\n" "$f.c" "$t"
  core=$((core + t))
done
printf "  %-14s %6d\n" "core total" "$core"
cat >"$out/probe.c" <<'C'
#include "claimlink.h"
/* Keeps every public function (and what it calls) in the link. */
void *volatile keep[] = {
  (void *)cl_base32_encode, (void *)cl_b64url_encode, (void *)cl_b64url_decode, (void *)cl_hex_encode,
  (void *)cl_hex_decode, (void *)cl_ct_equal, (void *)cl_wipe, (void *)cl_strerror, (void *)cl_build_session_body,
  (void *)cl_parse_session, (void *)cl_step_of, (void *)cl_pop, (void *)cl_qr_text, (void *)cl_parse_poll,
  (void *)cl_server_proof, (void *)cl_match_challenge, (void *)cl_device_proof, (void *)cl_device_secret,
  (void *)cl_bind_mac, (void *)cl_build_claim_accept, (void *)cl_build_claim_refusal, (void *)cl_accept_claimed,
  (void *)cl_request_unsigned, (void *)cl_request_signed, (void *)cl_request_sig, (void *)cl_response_mac,
  (void *)cl_check_response_mac, (void *)cl_pinned_key_from_b64url, (void *)cl_parse_server_signature,
  (void *)cl_verify_server_signature, (void *)cl_authenticate_answer, (void *)cl_parse_problem,
  (void *)cl_may_forget_credential, (void *)cl_parse_profile, (void *)cl_profile_command,
  (void *)cl_build_command_ack, (void *)cl_command_expired, (void *)cl_parse_rfc3339,
  (void *)cl_parse_measurements_answer, (void *)cl_json_validate,
  (void *)cl_json_member, (void *)cl_json_element, (void *)cl_json_count, (void *)cl_json_string,
  (void *)cl_json_int, (void *)cl_json_kind};
int main(void) { return keep[0] == 0; }
C
echo 'int main(void) { return 0; }' >"$out/base.c"
gcc "${CFLAGS[@]}" "$out/base.c" -Wl,--gc-sections -o "$out/base"
base=$(size -A "$out/base" | awk '$1 == ".text" {print $2}')
for b in mbedtls bearssl; do
  gcc "${CFLAGS[@]}" -DCLAIMLINK_CRYPTO_"${b^^}"=1 -fstack-usage -c "src/crypto_$b.c" -o "$out/crypto_$b.o"
  glue=$(size -A "$out/crypto_$b.o" | awk '$1 ~ /^\.text/ {s += $2} END {print s + 0}')
  objs=("${CORE[@]/#/$out/}")
  gcc "${CFLAGS[@]}" "$out/probe.c" "${objs[@]/%/.o}" "$out/crypto_$b.o" "$(lib_of $b)" -Wl,--gc-sections -o "$out/probe_$b"
  all=$(size -A "$out/probe_$b" | awk '$1 == ".text" {print $2}')
  printf "  %-8s backend glue %5d; core + glue + the %s code it links (static archive, Debian's build) %6d\n" \
    "$b" "$glue" "$b" "$((all - base))"
done
echo
echo "## Largest own stack frames (-fstack-usage, -Os, bytes)"
cat "$out"/*.su | sort -t$'\t' -k2 -n -r | head -8 | awk -F'\t' '{n = split($1, a, ":"); sub(/.*\//, "", a[1]); printf "  %-46s %5s %s\n", a[1] ": " a[n], $2, $3}'

for b in mbedtls bearssl; do
  cmake -S . -B "build-size-$b" -DCLAIMLINK_CRYPTO="$b" -DCMAKE_BUILD_TYPE=MinSizeRel -DCLAIMLINK_EXAMPLES=OFF >/dev/null
  cmake --build "build-size-$b" -j "$(nproc)" --target stack_usage bench_handshake >/dev/null
  echo
  echo "## Peak stack per public function, measured ($b, -Os, including the crypto library)"
  "build-size-$b/stack_usage" | tail -n +3 | sed 's/^/  /'
  echo
  echo "## Handshake crypto time ($b, -Os), 5 runs"
  for _ in 1 2 3 4 5; do "build-size-$b/bench_handshake" 5000 200; done | awk '
    /HMAC/ {h[++nh] = $4} /pinned signature/ {s[++ns] = $4} /3 signed/ {p[++np] = $(NF-1)}
    function range(a, n,   i, lo, hi) { lo = hi = a[1]; for (i = 2; i <= n; i++) { if (a[i] < lo) lo = a[i]; if (a[i] > hi) hi = a[i] }; return lo "-" hi }
    END { print "  HMAC/HKDF part of a claim (QR PoP, PoP(T) and PoP(T-1) check, deviceProof, deviceSecret, bindMac, one signed request + response MAC): " range(h, nh) " us";
          print "  one pinned-signature check: " range(s, ns) " us";
          print "  1.1 claim with a pinned key (3 signed answers): " range(p, np) " us" }'
done

#!/usr/bin/env bash
# Measures the stack the crypto library's functions need on the ESP8266 (lx106), or with
# TARGET=rv32 on a 32-bit RISC-V core (the ESP32-C3's), for the tables
# scripts/crypto-stack-<target>.tsv that scripts/target-build.sh adds to our own code's peaks. Not run
# by CI (the library's source is not in this repository); run it again when the ESP8266 core's
# BearSSL changes:
#
#   git clone https://github.com/earlephilhower/bearssl-esp8266 /tmp/bearssl-esp8266
#   firmware/scripts/measure-crypto-stack.sh /tmp/bearssl-esp8266 > firmware/scripts/crypto-stack-lx106.tsv
#
# Indirect calls (BearSSL's vtables) are resolved by hand: the ECDSA verifier's curve is
# br_ec_p256_m31, the hash is SHA-256.
set -euo pipefail
src="${1:?usage: measure-crypto-stack.sh BEARSSL_SOURCE_DIR}"
here="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
case "${TARGET:-lx106}" in
  lx106) cc=(xtensa-lx106-elf-gcc --specs=/usr/lib/xtensa-lx106-elf/picolibc.specs -mlongcalls) ;;
  rv32) cc=(riscv64-unknown-elf-gcc --specs=/usr/lib/picolibc/riscv64-unknown-elf/picolibc.specs -march=rv32imc -mabi=ilp32) ;;
  *) echo "TARGET is lx106 or rv32" >&2; exit 2 ;;
esac
for f in ec/ec_p256_m31 ec/ecdsa_i31_vrfy_raw ec/ecdsa_i31_bits hash/sha2small int/i32_div32 codec/ccopy \
  codec/dec32be codec/enc32be $(cd "$src/src" && ls int/i31_*.c | sed 's/\.c$//'); do
  (cd "$src" && "${cc[@]}" -Os -fstack-usage -fcallgraph-info=su \
    -Iinc -Isrc -c "src/$f.c" -o "$out/$(basename "$f").o")
done
cat >"$out/indirect.tsv" <<'T'
br_ecdsa_i31_vrfy_raw	src/ec/ec_p256_m31.c:api_generator src/ec/ec_p256_m31.c:api_order src/ec/ec_p256_m31.c:api_xoff src/ec/ec_p256_m31.c:api_muladd
T
echo "# Peak stack (bytes) of the crypto library functions libclaimlink calls, on ${TARGET:-lx106} (${cc[0]}"
echo "# $("${cc[0]}" -dumpfullversion), -Os), measured by scripts/measure-crypto-stack.sh from"
echo "# ${BEARSSL_NAME:-$src} at ${BEARSSL_COMMIT:-$(cd "$src" && git rev-parse --short HEAD 2>/dev/null || echo "an unknown commit")}."
node "$here/scripts/stack-budget.mjs" --ci "$out" --header "$here/include/claimlink.h" --indirect "$out/indirect.tsv" \
  --report src/ec/ec_p256_m31.c:api_muladd,br_ecdsa_i31_vrfy_raw,br_sha256_init,br_sha224_update,br_sha256_out |
  awk -F'\t' '
    $1 ~ /api_muladd$/ {print "br_ec_p256_m31.muladd\t" $2 "\t# called through br_ec_p256_m31 (" $3 ")"; next}
    {print}
    $1 == "br_sha224_update" {print "br_sha256_update\t" $2 "\t# the same function (a macro in bearssl_hash.h)"}' 

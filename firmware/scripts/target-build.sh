#!/usr/bin/env bash
# Builds libclaimlink for the boards' own cores with Debian's cross compilers, -Os -Werror:
#   lx106  the ESP8266 (xtensa-lx106-elf-gcc + picolibc), BearSSL backend as on the Arduino core
#   rv32   a 32-bit RISC-V core, the ESP32-C3's (riscv64-unknown-elf-gcc -march=rv32imc
#          -mabi=ilp32 + picolibc), both backends
# and reports .text (with Xtensa's literal pools) and .rodata, the largest -fstack-usage frames,
# and the peak stack of every public function (scripts/stack-budget.mjs over GCC's call graphs,
# plus the crypto library's measured figures in scripts/crypto-stack-<target>.tsv). Fails when
# a frame is dynamic, a call unbounded, or a peak over its budget:
#   STACK_BUDGET (2048)        any public function, crypto library included
#   ECDSA_STACK_BUDGET (2048)  the pinned-signature check (the deepest path: BearSSL's point
#                              multiplication alone needs 1552 bytes on lx106; README.md, "Stack")
#   OWN_STACK_BUDGET (1280)    our own code on any path
# Objects only: the cross libgcc lacks the 64-bit helpers a full link would need, and the
# crypto library is the board SDK's.
#
#   scripts/target-build.sh            prints the figures
#   scripts/target-build.sh --write    also writes them into README.md (between the markers)
#   scripts/target-build.sh --check    fails when README.md's figures are not these (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-}"
STACK_BUDGET="${STACK_BUDGET:-2048}"
ECDSA_STACK_BUDGET="${ECDSA_STACK_BUDGET:-2048}"
OWN_STACK_BUDGET="${OWN_STACK_BUDGET:-1280}"
CORE=(encoding json protocol answers server_sig hkdf retry resume firmware)

missing=()
command -v xtensa-lx106-elf-gcc >/dev/null || missing+=(gcc-xtensa-lx106)
[[ -f /usr/lib/xtensa-lx106-elf/picolibc.specs ]] || missing+=(picolibc-xtensa-lx106-elf)
command -v riscv64-unknown-elf-gcc >/dev/null || missing+=(gcc-riscv64-unknown-elf)
[[ -f /usr/lib/picolibc/riscv64-unknown-elf/picolibc.specs ]] || missing+=(picolibc-riscv64-unknown-elf)
[[ -f /usr/include/bearssl/bearssl.h ]] || missing+=(libbearssl-dev)
[[ -f /usr/include/mbedtls/sha256.h ]] || missing+=(libmbedtls-dev)
command -v node >/dev/null || missing+=(nodejs)
if ((${#missing[@]})); then
  echo "target build: missing Debian packages: ${missing[*]}" >&2
  echo "  apt-get install -y ${missing[*]}" >&2
  exit 1
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
# Only the crypto library's headers, laid out as the SDKs have them (<bearssl/bearssl.h> on the
# ESP8266 core): the host's /usr/include must not leak into a cross build.
mkdir -p "$out/sdk"
ln -s /usr/include/bearssl "$out/sdk/bearssl"
ln -s /usr/include/bearssl.h "$out/sdk/bearssl.h"
ln -s /usr/include/mbedtls "$out/sdk/mbedtls"
WARN=(-std=c99 -Os -Werror -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wformat=2)
GEN=(-ffunction-sections -fdata-sections -fstack-usage -fcallgraph-info=su -Iinclude -Isrc -I"$out/sdk")

report="$out/report.md"
status=0
# build NAME BACKEND CC...: compiles the core and one backend into $out/NAME.
build() {
  local name="$1" backend="$2"
  shift 2
  local dir="$out/$name" upper
  upper="$(echo "$backend" | tr a-z A-Z)"
  mkdir -p "$dir"
  for f in "${CORE[@]}" "crypto_$backend"; do
    "$@" "${WARN[@]}" "${GEN[@]}" -DCLAIMLINK_CRYPTO_"$upper"=1 -c "src/$f.c" -o "$dir/$f.o"
  done
}
# section_sum SIZE OBJ... REGEX: bytes of the sections whose names match.
section_sum() {
  local size="$1" re="$2"
  shift 2
  "$size" -A "$@" | awk -v re="$re" '$1 ~ re {s += $2} END {print s + 0}'
}
figures() {
  local name="$1" backend="$2" size="$3" table="$4" title="$5" top="${6:-0}"
  local dir="$out/$name" core_objs=() text rodata gtext grodata
  for f in "${CORE[@]}"; do core_objs+=("$dir/$f.o"); done
  text=$(section_sum "$size" '^[.](text|literal)' "${core_objs[@]}")
  rodata=$(section_sum "$size" '^[.]rodata' "${core_objs[@]}")
  gtext=$(section_sum "$size" '^[.](text|literal)' "$dir/crypto_$backend.o")
  grodata=$(section_sum "$size" '^[.]rodata' "$dir/crypto_$backend.o")
  {
    echo "#### $title"
    echo
    echo "Code: the protocol core \`.text\` $text bytes (with literal pools), \`.rodata\` $rodata; the $backend glue"
    echo "\`.text\` $gtext, \`.rodata\` $grodata. The crypto library itself is the board SDK's and not counted."
    echo
  } >>"$report"
  local args=(--ci "$dir" --header include/claimlink.h --indirect scripts/indirect-calls.tsv --budget "$STACK_BUDGET" --ecdsa-budget "$ECDSA_STACK_BUDGET"
    --own-budget "$OWN_STACK_BUDGET" --top "$top")
  if [[ -n "$table" ]]; then args+=(--crypto "$table"); else args+=(--no-crypto); fi
  echo "== firmware: $title"
  if ! node scripts/stack-budget.mjs "${args[@]}" --markdown >"$dir/stack.md" 2>"$dir/stack.err"; then status=1; fi
  cat "$dir/stack.err" >&2
  sed -n '1,4p;$p' "$dir/stack.md" | sed 's/^/  /'
  cat "$dir/stack.md" >>"$report"
  echo >>"$report"
}

build lx106-bearssl bearssl xtensa-lx106-elf-gcc --specs=/usr/lib/xtensa-lx106-elf/picolibc.specs -mlongcalls \
  -DARDUINO_ARCH_ESP8266
build rv32-bearssl bearssl riscv64-unknown-elf-gcc --specs=/usr/lib/picolibc/riscv64-unknown-elf/picolibc.specs \
  -march=rv32imc -mabi=ilp32
build rv32-mbedtls mbedtls riscv64-unknown-elf-gcc --specs=/usr/lib/picolibc/riscv64-unknown-elf/picolibc.specs \
  -march=rv32imc -mabi=ilp32
figures lx106-bearssl bearssl xtensa-lx106-elf-size scripts/crypto-stack-lx106.tsv \
  "ESP8266 (lx106), BearSSL, xtensa-lx106-elf-gcc $(xtensa-lx106-elf-gcc -dumpfullversion) -Os"
figures rv32-bearssl bearssl riscv64-unknown-elf-size scripts/crypto-stack-rv32.tsv \
  "32-bit RISC-V (rv32imc, the ESP32-C3's core), BearSSL, riscv64-unknown-elf-gcc $(riscv64-unknown-elf-gcc -dumpfullversion) -Os" 6
figures rv32-mbedtls mbedtls riscv64-unknown-elf-size "" \
  "32-bit RISC-V (rv32imc), mbedTLS 2.28 headers: our own code only (mbedTLS's frames are ESP-IDF's build, not measured here)" 6

begin="<!-- target-figures:begin (scripts/target-build.sh --write) -->"
end="<!-- target-figures:end -->"
{
  echo "$begin"
  echo
  echo "Peak stack per public function in bytes: our own code's deepest path (from GCC's"
  echo "\`-fcallgraph-info\`) plus the crypto library's measured peak on that path"
  echo "(\`scripts/crypto-stack-*.tsv\`, BearSSL as the ESP8266 core ships it). Budgets, checked by CI:"
  echo "$STACK_BUDGET for every function (the pinned-signature check, marked ECDSA, included: $ECDSA_STACK_BUDGET), $OWN_STACK_BUDGET for our own code."
  echo
  cat "$report"
  echo "$end"
} >"$out/section.md"
node -e '
  const fs = require("fs");
  const [readme, section, begin, end, mode] = process.argv.slice(1);
  const text = fs.readFileSync(readme, "utf8");
  const i = text.indexOf(begin), j = text.indexOf(end);
  if (i < 0 || j < 0) { console.error("README.md has no target-figures markers"); process.exit(1); }
  const next = text.slice(0, i) + fs.readFileSync(section, "utf8").trimEnd() + text.slice(j + end.length);
  if (mode === "--write") fs.writeFileSync(readme, next);
  else if (mode === "--check" && next !== text) {
    console.error("README.md: the target figures are stale; run firmware/scripts/target-build.sh --write and commit");
    process.exit(1);
  }
' README.md "$out/section.md" "$begin" "$end" "$mode" || status=1
exit "$status"

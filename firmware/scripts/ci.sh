#!/usr/bin/env bash
# CI for firmware/: builds libclaimlink, its tests and the host program with both crypto
# backends, runs the unit tests (ctest, then under valgrind and AddressSanitizer), fuzzes the
# answer parsers for a fixed time, runs the example device's firmware updates against a local
# image server (scripts/update-test.mjs: the checks, Range resume, a tampering mirror, a rolled
# back boot), builds the library for the ESP8266 (lx106) and a 32-bit
# RISC-V core with its stack budget (scripts/target-build.sh --check: the README's figures must
# be current), checks the ESP-IDF and Arduino layouts (scripts/package-check.sh), and runs the
# device against a real app: drifted and missing clocks, a power cut at every step of a claim
# and of a re-provision on both backends, and a network outage (scripts/e2e.mjs). Installs
# nothing; says which Debian package is missing. About 3 to 4 minutes here (README.md, "Tests").
#
#   firmware/scripts/ci.sh                    FUZZ_SECONDS=20 per backend by default; starts the
#                                             app (built if needed) on the embedded database,
#                                             port FIRMWARE_E2E_PORT (3190), for the end to end
#   CLAIMLINK_URL=http://localhost:3100 ...   runs scripts/e2e.mjs against that app instead, the
#                                             whole flow under valgrind too, pinning the keys it
#                                             publishes (CLAIMLINK_PINS, default auto)
#   FIRMWARE_E2E=0                            no end to end (a machine without the app installed)
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_SECONDS="${FUZZ_SECONDS:-20}"
JOBS="$(nproc 2>/dev/null || echo 2)"

missing=()
need_cmd() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
need_file() { compgen -G "$1" >/dev/null || missing+=("$2"); }
need_cmd cmake cmake
need_cmd gcc gcc
need_cmd make make
need_cmd pkg-config pkgconf
need_cmd valgrind valgrind
need_cmd clang clang
need_file "/usr/include/mbedtls/sha256.h" libmbedtls-dev
need_file "/usr/include/bearssl.h" libbearssl-dev
need_file "/usr/include/qrencode.h" libqrencode-dev
need_file "/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a" libclang-rt-14-dev
need_cmd xtensa-lx106-elf-gcc gcc-xtensa-lx106
need_file /usr/lib/xtensa-lx106-elf/picolibc.specs picolibc-xtensa-lx106-elf
need_cmd riscv64-unknown-elf-gcc gcc-riscv64-unknown-elf
need_file /usr/lib/picolibc/riscv64-unknown-elf/picolibc.specs picolibc-riscv64-unknown-elf
need_cmd node nodejs
if ((${#missing[@]})); then
  echo "firmware CI: missing Debian packages: ${missing[*]}" >&2
  echo "  apt-get install -y ${missing[*]}" >&2
  exit 1
fi

for backend in mbedtls bearssl; do
  echo "== firmware: build ($backend)"
  cmake -S . -B "build-$backend" -DCLAIMLINK_CRYPTO="$backend" -DCLAIMLINK_WERROR=ON >/dev/null
  cmake --build "build-$backend" -j "$JOBS" >/dev/null
  echo "== firmware: ctest ($backend)"
  ctest --test-dir "build-$backend" --output-on-failure
  echo "== firmware: unit tests under valgrind ($backend)"
  valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=all "build-$backend/test_claimlink" all
  valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect \
    "build-$backend/claimlink-device" --self-test >/dev/null

  echo "== firmware: unit tests with AddressSanitizer and UBSan ($backend)"
  cmake -S . -B "build-asan-$backend" -DCLAIMLINK_CRYPTO="$backend" -DCLAIMLINK_SANITIZE=ON \
    -DCLAIMLINK_WERROR=ON >/dev/null
  cmake --build "build-asan-$backend" -j "$JOBS" >/dev/null
  ctest --test-dir "build-asan-$backend" --output-on-failure >/dev/null

  echo "== firmware: fuzz the answer parsers for ${FUZZ_SECONDS} s ($backend)"
  cmake -S . -B "build-fuzz-$backend" -DCMAKE_C_COMPILER=clang -DCLAIMLINK_CRYPTO="$backend" \
    -DCLAIMLINK_EXAMPLES=OFF -DCLAIMLINK_FUZZ=ON >/dev/null
  cmake --build "build-fuzz-$backend" -j "$JOBS" --target fuzz_answers >/dev/null
  corpus="$(mktemp -d)"
  # New inputs go to a scratch directory; tests/corpus (the seeds) is only read.
  rm -f "build-fuzz-$backend"/crash-* "build-fuzz-$backend"/leak-* "build-fuzz-$backend"/timeout-*
  status=0
  "build-fuzz-$backend/fuzz_answers" -max_total_time="$FUZZ_SECONDS" -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="build-fuzz-$backend/" "$corpus" tests/corpus >"build-fuzz-$backend/fuzz.log" 2>&1 || status=$?
  rm -rf "$corpus"
  grep -E "^Done" "build-fuzz-$backend/fuzz.log" || true
  # libFuzzer exits non-zero on a crash, a leak or a failed check, and saves the input.
  if ((status != 0)); then
    tail -40 "build-fuzz-$backend/fuzz.log" >&2
    echo "fuzzing failed (exit $status); input saved as: $(ls "build-fuzz-$backend"/crash-* "build-fuzz-$backend"/leak-* 2>/dev/null)" >&2
    exit 1
  fi
done

echo "== firmware: the example device's firmware updates against a local image server (both backends; valgrind)"
UPDATE_TEST_VALGRIND=1 node scripts/update-test.mjs build-mbedtls/claimlink-device build-bearssl/claimlink-device |
  grep -E '^\[update\] (FAILED|passed)'

echo "== firmware: ESP8266 (lx106) and RISC-V builds, -Os -Werror, stack budget"
bash scripts/target-build.sh --check

echo "== firmware: ESP-IDF component and Arduino library layouts"
bash scripts/package-check.sh

if [[ -n "${CLAIMLINK_URL:-}" ]]; then
  echo "== firmware: end to end against $CLAIMLINK_URL (the flow under valgrind; clocks; power cuts)"
  CLAIMLINK_VALGRIND=1 CLAIMLINK_PINS="${CLAIMLINK_PINS:-auto}" node scripts/e2e.mjs
  CLAIMLINK_E2E=clock,power,outage CLAIMLINK_PINS="${CLAIMLINK_PINS:-auto}" node scripts/e2e.mjs
elif [[ "${FIRMWARE_E2E:-1}" != 0 ]]; then
  app="$(cd .. && pwd)"
  if [[ ! -d "$app/node_modules/next" ]]; then
    echo "firmware CI: the app is not installed (npm ci in $app), so the end to end cannot run; FIRMWARE_E2E=0 skips it" >&2
    exit 1
  fi
  port="${FIRMWARE_E2E_PORT:-3190}"
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
    echo "firmware CI: port $port is taken; set FIRMWARE_E2E_PORT" >&2
    exit 1
  fi
  echo "== firmware: end to end: clocks, a power cut at every step (both backends), an outage; app on port $port (embedded database)"
  (cd "$app" && node scripts/ensure-build.mjs >/dev/null)
  # The embedded database, always: what the device sees does not depend on the database, so this
  # runs once (the app's own suite runs the claim flow on both).
  log="$(mktemp)"
  (cd "$app" && exec env -u DATABASE_URL E2E_PORT="$port" node scripts/e2e-server.mjs) >"$log" 2>&1 &
  server=$!
  stop_server() {
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    rm -rf "$app/e2e/.tmp/data-$port" "$log"
  }
  trap stop_server EXIT
  for _ in $(seq 1 120); do
    curl -s -o /dev/null "http://127.0.0.1:$port/api/health" && break
    kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.5
  done
  CLAIMLINK_URL="http://localhost:$port" CLAIMLINK_DATA_DIR="$app/e2e/.tmp/data-$port" CLAIMLINK_PINS=auto \
    CLAIMLINK_E2E=clock,power,outage node scripts/e2e.mjs | grep -E '^\[e2e\] (clock|outage|mbedtls|bearssl|passed|FAILED)'
fi
echo "== firmware: all checks passed"

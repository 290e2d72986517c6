#!/usr/bin/env bash
# CI for firmware/: builds libclaimlink, its tests and the host program with both crypto
# backends, runs the unit tests (ctest, then under valgrind and AddressSanitizer), and fuzzes
# the answer parsers for a fixed time. Installs nothing; says which Debian package is missing.
#
#   firmware/scripts/ci.sh                    FUZZ_SECONDS=20 per backend by default
#   CLAIMLINK_URL=http://localhost:3100 ...   also runs scripts/e2e.mjs against that app,
#                                             under valgrind, pinning the keys it publishes
#                                             (CLAIMLINK_PINS, default auto; README.md, "End to end")
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

if [[ -n "${CLAIMLINK_URL:-}" ]]; then
  echo "== firmware: end to end against $CLAIMLINK_URL (valgrind)"
  CLAIMLINK_VALGRIND=1 CLAIMLINK_PINS="${CLAIMLINK_PINS:-auto}" node scripts/e2e.mjs
fi
echo "== firmware: all checks passed"

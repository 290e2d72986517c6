#!/usr/bin/env bash
# Builds libclaimlink laid out as the ESP-IDF component manager and the Arduino IDE lay it out
# (scripts/package.sh), as far as this machine allows (README.md, "Installing"):
#
#  ESP-IDF  the packed component is built by a CMake project that stands in for idf.py: it defines
#           ESP_PLATFORM and an idf_component_register that makes the component's library from
#           exactly the sources, include directories and requirements the component declares, on
#           Debian's mbedTLS; the unit tests are linked against that library and run; the sources are
#           also compiled for RISC-V (the ESP32-C3) as ESP-IDF would select them. The manifest's
#           fields are checked.
#  Arduino  library.properties is checked against the 1.5 library format; every file of src/ is
#           compiled as the IDE does (all of them, with only src/ on the include path) for the
#           ESP8266 core (lx106, the core's <bearssl/bearssl.h>) and the ESP32 core (RISC-V,
#           mbedTLS); the example sketch is compiled as C++ against a stand-in Arduino.h.
#
# Not checked here (no ESP-IDF, no Arduino core, no network): idf.py itself and the component
# manager's upload, ESP-IDF's mbedTLS 3.x, arduino-cli and the Library Manager's indexer, and a
# link against either SDK.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
WARN=(-Os -Werror -Wall -Wextra)
fail() {
  echo "package check: $*" >&2
  exit 1
}

# ---------------------------------------------------------------- ESP-IDF
comp="$(bash scripts/package.sh idf "$out/idf" | tail -1)"
for f in CMakeLists.txt idf_component.yml include/claimlink.h src/crypto_mbedtls.c; do
  [[ -f "$comp/$f" ]] || fail "the ESP-IDF component lacks $f"
done
[[ ! -e "$comp/tests" && ! -e "$comp/examples/claimlink-device" ]] || fail "the ESP-IDF component packs its tests or the host example"
grep -qE '^version: "[0-9]+\.[0-9]+\.[0-9]+"$' "$comp/idf_component.yml" || fail "idf_component.yml: version is not MAJOR.MINOR.PATCH"
grep -qE '^description: ".+"$' "$comp/idf_component.yml" || fail "idf_component.yml: no description"
grep -qE '^  idf: ">=' "$comp/idf_component.yml" || fail "idf_component.yml: no idf version range"
version="$(sed -n 's/^version: "\(.*\)"$/\1/p' "$comp/idf_component.yml")"
grep -q "^version=$version$" library.properties || fail "library.properties and idf_component.yml disagree on the version"
grep -q "project(claimlink VERSION $version " CMakeLists.txt || fail "CMakeLists.txt's project version is not $version"

mkdir -p "$out/idf-project"
cat >"$out/idf-project/CMakeLists.txt" <<CMAKE
# Stands in for idf.py: a component's CMakeLists.txt is read with ESP_PLATFORM set, and registers
# itself with idf_component_register; the requirement mbedtls is ESP-IDF's mbedTLS (Debian's here).
cmake_minimum_required(VERSION 3.16)
project(idf_stand_in C)
set(ESP_PLATFORM 1)
find_path(MBEDTLS_INCLUDE_DIR mbedtls/sha256.h REQUIRED)
find_library(MBEDCRYPTO_LIBRARY mbedcrypto REQUIRED)
function(idf_component_register)
  cmake_parse_arguments(C "" "" "SRCS;INCLUDE_DIRS;PRIV_INCLUDE_DIRS;REQUIRES;PRIV_REQUIRES" \${ARGN})
  if(NOT "mbedtls" IN_LIST C_REQUIRES)
    message(FATAL_ERROR "the component does not require mbedtls")
  endif()
  add_library(__idf_claimlink STATIC \${C_SRCS})
  target_include_directories(__idf_claimlink PUBLIC \${C_INCLUDE_DIRS} PRIVATE \${C_PRIV_INCLUDE_DIRS} \${MBEDTLS_INCLUDE_DIR})
  target_compile_options(__idf_claimlink PRIVATE -Werror -Wall -Wextra -Wpedantic -std=gnu17)
  target_compile_definitions(__idf_claimlink PRIVATE ESP_PLATFORM=1)
  target_link_libraries(__idf_claimlink PUBLIC \${MBEDCRYPTO_LIBRARY})
  set(COMPONENT_LIB __idf_claimlink PARENT_SCOPE)
  set(IDF_REGISTERED_SRCS "\${C_SRCS}" CACHE INTERNAL "")
endfunction()
add_subdirectory("$comp" claimlink)
# The library's own unit tests, linked against the component as registered.
add_executable(test_claimlink "$PWD/tests/test_claimlink.c")
target_link_libraries(test_claimlink PRIVATE __idf_claimlink)
CMAKE
cmake -S "$out/idf-project" -B "$out/idf-build" >"$out/idf.log" 2>&1 || { cat "$out/idf.log" >&2; fail "the ESP-IDF stand-in does not configure"; }
cmake --build "$out/idf-build" -j 2 >>"$out/idf.log" 2>&1 || { cat "$out/idf.log" >&2; fail "the ESP-IDF component does not build"; }
srcs="$(sed -n 's/^IDF_REGISTERED_SRCS:INTERNAL=//p' "$out/idf-build/CMakeCache.txt")"
[[ "$srcs" != *crypto_bearssl* && "$srcs" == *crypto_mbedtls* ]] || fail "the component registers the wrong backend: $srcs"
"$out/idf-build/test_claimlink" all | sed 's/^/  ESP-IDF component (host build): /'
# The same sources for the ESP32-C3 (RISC-V), as ESP-IDF compiles them (ESP_PLATFORM defined).
mkdir -p "$out/sdk-idf"
ln -s /usr/include/mbedtls "$out/sdk-idf/mbedtls"
for f in ${srcs//;/ }; do
  riscv64-unknown-elf-gcc --specs=/usr/lib/picolibc/riscv64-unknown-elf/picolibc.specs -march=rv32imc -mabi=ilp32 \
    -std=gnu17 "${WARN[@]}" -DESP_PLATFORM=1 -DCLAIMLINK_CRYPTO_MBEDTLS=1 -I"$comp/include" -I"$comp/src" \
    -I"$out/sdk-idf" -c "$comp/$f" -o "$out/$(basename "$f").rv.o"
done
echo "  ESP-IDF component: $(echo "$srcs" | tr ';' '\n' | wc -l) sources registered, built for the host (tests pass) and RISC-V"

# ---------------------------------------------------------------- Arduino
lib="$(bash scripts/package.sh arduino "$out/arduino" | tail -1)"
props="$lib/library.properties"
for key in name version author maintainer sentence paragraph category url architectures; do
  grep -qE "^$key=.+" "$props" || fail "library.properties has no $key"
done
grep -qE '^name=[A-Za-z0-9][A-Za-z0-9 _.-]*$' "$props" || fail "library.properties: the name has characters the format forbids"
grep -qE '^version=[0-9]+\.[0-9]+\.[0-9]+$' "$props" || fail "library.properties: version is not MAJOR.MINOR.PATCH"
grep -qE '^category=(Display|Communication|Signal Input/Output|Sensors|Device Control|Timing|Data Storage|Data Processing|Other)$' "$props" ||
  fail "library.properties: not a category of the format"
grep -qE '^architectures=.*\b(esp8266|\*)\b' "$props" || fail "library.properties: the ESP8266 is not among the architectures"
include="$(sed -n 's/^includes=//p' "$props")"
[[ -f "$lib/src/$include" ]] || fail "library.properties: includes=$include is not in src/"
[[ ! -e "$lib/utility" ]] || fail "a 1.5 library keeps its code in src/, not utility/"
for ex in "$lib"/examples/*/; do
  name="$(basename "$ex")"
  [[ -f "$ex/$name.ino" ]] || fail "example $name has no $name.ino"
done

# The IDE compiles every .c of src/ (recursively) with src/ on the include path, and the core's
# own include directories: the ESP8266 core has BearSSL as <bearssl/bearssl.h>.
mkdir -p "$out/core8266" "$out/core32"
ln -s /usr/include/bearssl "$out/core8266/bearssl"
ln -s /usr/include/mbedtls "$out/core32/mbedtls"
cat >"$out/Arduino.h" <<'H'
/* A stand-in for the core's Arduino.h: only what the example sketch uses. */
#pragma once
#include <stddef.h>
#include <stdint.h>
struct StandInSerial {
  void begin(unsigned long) {}
  void print(const char *) {}
  void println(const char *) {}
};
extern StandInSerial Serial;
long random(long);
H
compile_arduino() {
  local arch="$1" cc="$2" cxx="$3"
  shift 3
  local n=0
  while IFS= read -r -d '' f; do
    "$cc" "$@" -std=gnu17 "${WARN[@]}" -I"$lib/src" -c "$f" -o "$out/$arch-$(basename "$f").o"
    n=$((n + 1))
  done < <(find "$lib/src" -name '*.c' -print0)
  for ino in "$lib"/examples/*/*.ino; do
    # As arduino-cli preprocesses a sketch: #include <Arduino.h> first, compiled as C++.
    { echo '#include <Arduino.h>'; cat "$ino"; } >"$out/sketch.cpp"
    "$cxx" "$@" -std=gnu++17 "${WARN[@]}" -I"$out" -I"$lib/src" -c "$out/sketch.cpp" -o "$out/$arch-sketch.o"
  done
  # The library's sources define the crypto functions of exactly one backend.
  local backends
  backends="$(for o in "$out/$arch"-crypto_*.o; do "${cc%gcc}nm" "$o"; done | grep -c ' T cl_crypto_p256_verify' || true)"
  [[ "$backends" == 1 ]] || fail "Arduino $arch: $backends crypto backends built, want exactly 1"
  echo "  Arduino $arch: $n sources of src/ and the example sketch compile, one crypto backend"
}
compile_arduino esp8266 xtensa-lx106-elf-gcc xtensa-lx106-elf-g++ --specs=/usr/lib/xtensa-lx106-elf/picolibc.specs \
  -mlongcalls -mtext-section-literals -DARDUINO_ARCH_ESP8266 -DESP8266 -DARDUINO=10819 -I"$out/core8266"
compile_arduino esp32c3 riscv64-unknown-elf-gcc riscv64-unknown-elf-g++ \
  --specs=/usr/lib/picolibc/riscv64-unknown-elf/picolibc.specs -march=rv32imc -mabi=ilp32 -DARDUINO_ARCH_ESP32 \
  -DESP32 -DARDUINO=10819 -I"$out/core32"

#!/usr/bin/env bash
# Lays libclaimlink out as a firmware author's tool installs it:
#
#   scripts/package.sh arduino OUT   OUT/Claimlink: an Arduino library (1.5 format): library.properties,
#                                    src/ with every source and header (the IDE compiles all of src/;
#                                    the backend is picked by the core: BearSSL on the ESP8266, mbedTLS
#                                    on the ESP32), examples/. Zip it for "Add .ZIP Library", or publish
#                                    it as the root of a repository for the Library Manager.
#   scripts/package.sh idf OUT       OUT/claimlink: the ESP-IDF component as the component manager packs
#                                    it (this folder without idf_component.yml's excluded files).
set -euo pipefail
cd "$(dirname "$0")/.."
kind="${1:?usage: package.sh arduino|idf OUT}"
out="${2:?usage: package.sh arduino|idf OUT}"
case "$kind" in
  arduino)
    dir="$out/Claimlink"
    rm -rf "$dir"
    mkdir -p "$dir/src" "$dir/examples"
    cp library.properties "$dir/"
    cp include/*.h src/*.c src/*.h "$dir/src/"
    cp -R arduino/examples/. "$dir/examples/"
    cp README.md "$dir/"
    ;;
  idf)
    dir="$out/claimlink"
    rm -rf "$dir"
    mkdir -p "$dir"
    # The manifest's exclude patterns ("dir/**"), as the component manager applies them.
    excludes=()
    while read -r pattern; do excludes+=(--exclude="./${pattern%/\*\*}"); done < <(
      sed -n '/^  exclude:/,/^[^ ]/p' idf_component.yml | sed -n 's/^    - "\(.*\)"$/\1/p')
    tar -c "${excludes[@]}" . | tar -x -C "$dir"
    ;;
  *)
    echo "package.sh: arduino or idf" >&2
    exit 2
    ;;
esac
echo "$dir"

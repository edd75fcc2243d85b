#!/usr/bin/env bash
# Fuzzes the vCard and CSV readers briefly (libFuzzer through cargo-fuzz): no input may make
# them panic. Seeds the vCard corpus with calcard's real-world files when cargo has them.
#
#     scripts/fuzz.sh [seconds per target]        (default 30)
#
# cargo-fuzz needs nightly flags; RUSTC_BOOTSTRAP=1 lets the machine's stable toolchain take
# them. A crash leaves its input under fuzz/artifacts/ and fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-30}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --quiet
mkdir -p fuzz/corpus/vcard fuzz/corpus/csv
version=$(awk '/^name = "calcard"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
for src in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/calcard-"$version"/resources/vcard; do
  [ -d "$src" ] && cp -n "$src"/*.vcf fuzz/corpus/vcard/ 2>/dev/null || true
done
printf 'First Name;Last Name;E-mail Address;Birthday\r\nAna;Lima;ana@example.com;3/14/1979\r\n' > fuzz/corpus/csv/outlook.csv
printf 'name,emails,vip,birthday\n"Kenji, Jr.",k@example.jp,yes,--02-29\n' > fuzz/corpus/csv/rapport.csv
for target in vcard csv; do
  echo "fuzz: $target for ${secs}s"
  (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" --fuzz-dir . "corpus/$target" -- \
    -max_total_time="$secs" -max_len=65536 -print_final_stats=1 2>&1 | grep -E "^Done|stat::number_of_executed_units|ERROR|panicked" || true)
  if [ -n "$(ls -A "fuzz/artifacts/$target" 2>/dev/null)" ]; then
    echo "fuzz: $target crashed; inputs in fuzz/artifacts/$target" >&2
    exit 1
  fi
done

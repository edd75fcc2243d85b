#!/usr/bin/env bash
# Fuzzes the vCard and CSV readers (libFuzzer through cargo-fuzz): no input may make them
# panic, and every card or row read must be one Rapport takes. Seeds the vCard corpus with
# calcard's real-world files when cargo has them.
#
#     scripts/fuzz.sh [seconds per target]        (default 30: CI's short run)
#     scripts/fuzz.sh --runs N [--jobs J] [TARGET...]
#         the long run: N executions of each target in all (J processes sharing its corpus,
#         N/J each; default J 2), built without AddressSanitizer (the readers and calcard
#         forbid unsafe code, and ASan slows them 2-4x); logs and final figures under
#         fuzz/logs/TARGET/. Prints each target's executions, new units and peak RSS.
#
# cargo-fuzz needs nightly flags; RUSTC_BOOTSTRAP=1 lets the machine's stable toolchain take
# them. A crash or a timeout (an input taking over 10 s) leaves its input under
# fuzz/artifacts/ and fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=30
runs=""
jobs=2
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    vcard|csv) targets+=("$1"); shift ;;
    *[!0-9]*|"") echo "usage: scripts/fuzz.sh [SECONDS] | --runs N [--jobs J] [vcard] [csv]" >&2; exit 2 ;;
    *) secs="$1"; shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(vcard csv)
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --quiet
mkdir -p fuzz/corpus/vcard fuzz/corpus/csv
version=$(awk '/^name = "calcard"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
for src in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/calcard-"$version"/resources/vcard; do
  [ -d "$src" ] && cp -n "$src"/*.vcf fuzz/corpus/vcard/ 2>/dev/null || true
done
printf 'First Name;Last Name;E-mail Address;Birthday\r\nAna;Lima;ana@example.com;3/14/1979\r\n' > fuzz/corpus/csv/outlook.csv
printf 'name,emails,vip,birthday\n"Kenji, Jr.",k@example.jp,yes,--02-29\n' > fuzz/corpus/csv/rapport.csv
crashed() {
  if [ -n "$(ls -A "fuzz/artifacts/$1" 2>/dev/null)" ]; then
    echo "fuzz: $1 crashed; inputs in fuzz/artifacts/$1" >&2
    exit 1
  fi
}
for target in "${targets[@]}"; do
  if [ -z "$runs" ]; then
    echo "fuzz: $target for ${secs}s"
    (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" --fuzz-dir . "corpus/$target" -- \
      -max_total_time="$secs" -max_len=65536 -print_final_stats=1 2>&1 | grep -E "^Done|stat::number_of_executed_units|ERROR|panicked" || true)
    crashed "$target"
    continue
  fi
  (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz build -s none "$target" --fuzz-dir .)
  bin="fuzz/target/$(rustc -vV | sed -n 's/^host: //p')/release/$target"
  logs="fuzz/logs/$target"
  rm -rf "$logs" && mkdir -p "$logs" "fuzz/artifacts/$target"
  per_job=$(( (runs + jobs - 1) / jobs ))
  echo "fuzz: $target, $jobs processes of $per_job executions ($(date -u +%FT%TZ))"
  start=$(date +%s)
  # libFuzzer writes each process's log to fuzz-N.log in the working directory.
  (cd "$logs" && "$OLDPWD/$bin" "$OLDPWD/fuzz/corpus/$target" -runs="$per_job" -jobs="$jobs" \
    -workers="$jobs" -max_len=65536 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$OLDPWD/fuzz/artifacts/$target/" > main.log 2>&1) || true
  took=$(( $(date +%s) - start ))
  total=0; peak=0
  for log in "$logs"/fuzz-*.log; do
    n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    r=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
    total=$(( total + ${n:-0} )); [ "${r:-0}" -gt "$peak" ] && peak=$r
  done
  echo "fuzz: $target: $total executions in ${took}s ($(( total / (took > 0 ? took : 1) ))/s), corpus $(ls "fuzz/corpus/$target" | wc -l) inputs, peak RSS per process ${peak} MB"
  crashed "$target"
  [ "$total" -ge "$runs" ] || { echo "fuzz: $target stopped short of $runs executions (see $logs)" >&2; exit 1; }
done

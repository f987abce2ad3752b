#!/usr/bin/env bash
# The spreadsheet import at scale: a fresh SQLite database with `dondoc gen --petitions N`
# (the reference: the same number of petitions written in bulk), a generated .xlsx of N
# petitions in its areas (`dondoc gen --sheet`, the export's Vietnamese column names, never
# kept), and `dondoc import` of it — read, checked, compared with the records on file, then
# written in one transaction — each on one core (taskset) with its wall time and peak memory
# (`/usr/bin/time -v`).
#
#   bench/import.sh [rows] [path/to/dondoc]      (defaults: 100000 target/release/dondoc)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-100000}
bin=${2:-${CARGO_TARGET_DIR:-target}/release/dondoc}
[ -x "$bin" ] || cargo build --release -p dondoc
bin=$(realpath "$bin")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DONDOC_DATABASE_URL="sqlite://$work/bench.db"
one_core="taskset -c 0"
command -v taskset >/dev/null || one_core=""

measure() { # label, command…
  local label=$1; shift
  /usr/bin/time -v -o "$work/time" $one_core "$@" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
  local wall rss
  wall=$(grep 'Elapsed (wall clock)' "$work/time" | awk '{print $NF}')
  rss=$(grep 'Maximum resident set size' "$work/time" | awk '{print $NF}')
  printf '%-44s wall %8s   peak RSS %7.1f MB\n' "$label" "$wall" "$(echo "$rss / 1024" | bc -l)"
}

"$bin" migrate >/dev/null
measure "dondoc gen --petitions $rows (reference)" "$bin" gen --petitions "$rows"
measure "dondoc gen --sheet ($rows rows)" "$bin" gen --petitions "$rows" --sheet "$work/rows.xlsx"
echo "sheet: $(du -h "$work/rows.xlsx" | cut -f1)"
measure "dondoc import --kind petitions ($rows rows)" "$bin" import "$work/rows.xlsx" --kind petitions
grep -E "rows read|written" "$work/err"

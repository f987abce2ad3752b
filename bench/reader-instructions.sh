#!/usr/bin/env bash
# How the reader's work grows with its input, in instructions counted by callgrind (exact and
# repeatable, unlike wall-clock time on a shared machine). Builds inputs of 1 and 10 MB — the
# test reports repeated, and one unpunctuated phrase repeated (a single "sentence" the size of
# the input) — and prints the instruction count of `dondoc extract` on each.
# Needs valgrind (apt-get install valgrind). Usage: bench/reader-instructions.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p dondoc
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$dir" <<'PY'
import glob, sys
d = sys.argv[1]
reports = [open(p, encoding="utf-8").read() for p in sorted(glob.glob("crates/extract/tests/reports/*.txt"))]
phrase = "xây mới nhà văn hóa khu sáu đường giao thông nông thôn Đảng ủy phường Hà Lầm 2020 "
for mb in (1, 10):
    size = mb * 1_000_000
    out, total, i = [], 0, 0
    while total < size:
        part = reports[i % len(reports)] + "\n\n"
        out.append(part); total += len(part.encode()); i += 1
    open(f"{d}/reports-{mb}mb.txt", "w", encoding="utf-8").write("".join(out))
    open(f"{d}/unpunctuated-{mb}mb.txt", "w", encoding="utf-8").write(phrase * (size // len(phrase.encode()) + 1))
PY
for f in reports-1mb reports-10mb unpunctuated-1mb unpunctuated-10mb; do
  rss=$(/usr/bin/time -f %M target/release/dondoc extract "$dir/$f.txt" 2>&1 >/dev/null | tail -1)
  if [ "${1:-}" = --memory-only ]; then
    echo "$f bytes=$(stat -c %s "$dir/$f.txt") max_rss_kb=$rss"
    continue
  fi
  valgrind --tool=callgrind --callgrind-out-file="$dir/$f.cg" target/release/dondoc extract "$dir/$f.txt" >/dev/null 2>"$dir/$f.log"
  bytes=$(stat -c %s "$dir/$f.txt")
  instr=$(grep -E '^(summary|totals):' "$dir/$f.cg" | head -1 | awk '{print $2}')
  echo "$f bytes=$bytes max_rss_kb=$rss instructions=$instr"
done

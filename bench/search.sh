#!/usr/bin/env bash
# The public search at scale: loads the demo and `dondoc gen --petitions N` into a fresh
# SQLite database and a fresh PostgreSQL cluster (started from the Debian binaries), serves
# each with no page kept in memory, and asks `/tim-kiem` 20 queries (common words, rare words,
# a place, with and without diacritics, either tone-mark style, `%`), 20 sequential requests
# each: the median, p95 and p99 of each query and of all 400, and whether both databases give
# the same first page (its ten results, in order) for every query; beside them, nginx serving
# each page's bytes, timed the same way in the same run (the reference). Loopback only.
#
#   bench/search.sh [petitions] [path/to/dondoc]     (defaults: 1000000 target/release/dondoc)
set -euo pipefail
cd "$(dirname "$0")/.."
petitions=${1:-1000000}
bin=${2:-target/release/dondoc}
[ -x "$bin" ] || cargo build --release -p dondoc
bin=$(realpath "$bin")
work=$(mktemp -d)
chmod 755 "$work"
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -1 || true)
[ -n "$bindir" ] || { echo "PostgreSQL binaries not found (scripts/install-test-deps.sh)" >&2; exit 2; }
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  [ -d "$work/pg" ] && su postgres -s /bin/sh -c "$bindir/pg_ctl -D $work/pg -m immediate stop" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

queries=(
  "nha van hoa" "nhà văn hóa" "nhà văn hoá" "duong" "tuyến đường" "thoat nuoc"
  "rãnh thoát nước khu 2" "chợ dân sinh" "truong mam non" "kenh muong"
  "Hà Lầm" "ha lam" "Cẩm Phả" "hoa binh" "Hòa" "giải phóng mặt bằng"
  "chieu sang" "xu ly o nhiem" "khong co tu nay xyz" "%"
)
nginx_port=18104
cat >"$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx.err;
events { worker_connections 256; }
http { access_log off; default_type text/html;
  server { listen 127.0.0.1:$nginx_port; root $work/www; location / { try_files \$uri =404; } } }
NGINX
mkdir -p "$work/www"
nginx -c "$work/nginx.conf"
stats() { # file of seconds → "median p95 p99" in ms
  sort -n "$1" | awk '{a[NR]=$1*1000} END {printf "%.1f %.1f %.1f\n", a[int(NR*0.5+0.5)], a[int(NR*0.95+0.5)], a[int(NR*0.99+0.5)]}'
}
export RUST_LOG=warn,sqlx=error
echo "# public search, demo + $petitions generated petitions ($(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg))"
for backend in sqlite postgres; do
  case "$backend" in
    sqlite) url="sqlite://$work/bench.db"; port=18101 ;;
    postgres)
      pg_port=18102; port=18103
      mkdir "$work/pg" "$work/pgrun" && chown postgres "$work/pg" "$work/pgrun"
      su postgres -s /bin/sh -c "$bindir/initdb -D $work/pg -U postgres --auth=trust >/dev/null"
      su postgres -s /bin/sh -c "$bindir/pg_ctl -D $work/pg -o '-p $pg_port -k $work/pgrun -c shared_buffers=512MB -c fsync=off' -l $work/pgrun/pg.log start >/dev/null"
      sleep 2
      psql -h 127.0.0.1 -p "$pg_port" -U postgres -qc "create database bench" >/dev/null
      url="postgres://postgres@127.0.0.1:$pg_port/bench"
      ;;
  esac
  "$bin" --database-url "$url" demo >/dev/null
  start=$(date +%s.%N)
  "$bin" --database-url "$url" gen --petitions "$petitions" 2>/dev/null
  echo "## $backend: dondoc gen --petitions $petitions in $(printf '%.0f' "$(echo "$(date +%s.%N) - $start" | bc)") s"
  "$bin" --database-url "$url" --addr "127.0.0.1:$port" --page-cache 0 --jobs-every 0 serve >"$work/serve-$backend.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
  echo "| query | results | median ms | p95 ms | p99 ms | nginx, same bytes: median / p95 / p99 ms |"
  echo "|---|---|---|---|---|---|"
  : >"$work/all-$backend"
  : >"$work/nginx-all-$backend"
  n=0
  for q in "${queries[@]}"; do
    enc=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote_plus(sys.argv[1]))' "$q")
    page="http://127.0.0.1:$port/tim-kiem?q=$enc"
    curl -s "$page" >"$work/page"   # warm
    n=$((n + 1))
    cp "$work/page" "$work/www/$backend-$n.html"
    found=$(sed -n 's/.*role="status">\([^<]*\)<.*/\1/p' "$work/page" | head -1)
    # The first page's results, in order: the comparison between the two databases.
    python3 - "$work/page" >>"$work/top-$backend" <<'PY'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
hits = html.split('<ol class="hits">', 1)[1].split("</ol>", 1)[0] if '<ol class="hits">' in html else ""
print(" ".join(re.findall(r'<a href="([^"]+)"', hits)))
PY
    : >"$work/times"
    for _ in $(seq 20); do
      curl -s -o /dev/null -w '%{time_total}\n' "$page" >>"$work/times"
    done
    cat "$work/times" >>"$work/all-$backend"
    : >"$work/nginx-times"
    for _ in $(seq 20); do
      curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$nginx_port/$backend-$n.html" >>"$work/nginx-times"
    done
    cat "$work/nginx-times" >>"$work/nginx-all-$backend"
    read -r med p95 p99 < <(sort -n "$work/times" | awk '{a[NR]=$1*1000} END {printf "%.1f %.1f %.1f\n", a[int(NR*0.5+0.5)], a[int(NR*0.95+0.5)], a[NR]}')
    read -r nmed np95 np99 < <(stats "$work/nginx-times")
    echo "| \`$q\` | ${found:-—} | $med | $p95 | $p99 | $nmed / $np95 / $np99 |"
  done
  read -r med p95 p99 < <(stats "$work/all-$backend")
  read -r nmed np95 np99 < <(stats "$work/nginx-all-$backend")
  echo "| **all 400** | | **$med** | **$p95** | **$p99** | **$nmed / $np95 / $np99** |"
  echo
done
same=$(paste -d'\n' "$work/top-sqlite" "$work/top-postgres" | paste - - | awk -F'\t' '$1 == $2' | wc -l)
echo "Same first page (ten results, in order) on both databases: $same of ${#queries[@]} queries"
paste "$work/top-sqlite" "$work/top-postgres" | awk -F'\t' '$1 != $2 {print "  differs: sqlite [" $1 "] postgres [" $2 "]"}' | head -5

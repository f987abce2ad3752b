#!/usr/bin/env bash
# Pages at scale: loads the demo and `dondoc gen --petitions N` into a fresh database
# (SQLite, or PostgreSQL in a private cluster started from the Debian binaries), serves it,
# and times each page as a visitor and as the demo leader, every request drawn (no page
# kept in memory): median, p95 and p99 of 20 sequential requests each, and the page's size.
# Then, if wrk and nginx are installed, `wrk -t2 -c64` against dondoc as deployed (pages
# kept 5 s), against dondoc keeping none, and against nginx serving the same bytes.
# Loopback only.
#
#   bench/scale.sh [sqlite|postgres] [petitions] [path/to/dondoc]
#       (defaults: sqlite 1000000 target/release/dondoc; 0 petitions: the demo alone)
#
# Installs wrk and nginx-light when it may (root) and they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
petitions=${2:-1000000}
bin=${3:-target/release/dondoc}
[ -x "$bin" ] || cargo build --release -p dondoc
bin=$(realpath "$bin")
if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light >/dev/null || true
  fi
fi
work=$(mktemp -d)
chmod 755 "$work"
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -1 || true)
port=18094
nginx_port=18095
cached_port=18097
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  [ -d "$work/pg" ] && su postgres -s /bin/sh -c "$bindir/pg_ctl -D $work/pg -m immediate stop" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

case "$backend" in
  sqlite) url="sqlite://$work/bench.db" ;;
  postgres)
    [ -n "$bindir" ] || { echo "PostgreSQL binaries not found (scripts/install-test-deps.sh)" >&2; exit 2; }
    pg_port=18096
    mkdir "$work/pg" "$work/pgrun" && chown postgres "$work/pg" "$work/pgrun"
    su postgres -s /bin/sh -c "$bindir/initdb -D $work/pg -U postgres --auth=trust >/dev/null"
    su postgres -s /bin/sh -c "$bindir/pg_ctl -D $work/pg -o '-p $pg_port -k $work/pgrun -c shared_buffers=512MB -c fsync=off' -l $work/pgrun/pg.log start >/dev/null"
    sleep 2
    psql -h 127.0.0.1 -p "$pg_port" -U postgres -qc "create database bench" >/dev/null
    url="postgres://postgres@127.0.0.1:$pg_port/bench"
    ;;
  *) echo "backend: sqlite or postgres" >&2; exit 2 ;;
esac

export RUST_LOG=warn,sqlx=error
echo "# $backend, demo + $petitions generated petitions ($(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg))"
"$bin" --database-url "$url" demo >/dev/null
if [ "$petitions" -gt 0 ]; then
  start=$(date +%s.%N)
  "$bin" --database-url "$url" gen --petitions "$petitions" 2>/dev/null
  echo "dondoc gen --petitions $petitions: $(echo "$(date +%s.%N) - $start" | bc) s"
fi

# Two nodes on the database: one that keeps no page in memory (every request drawn: the
# page timings, and throughput without the cache), one as deployed (pages kept 5 s).
"$bin" --database-url "$url" --addr "127.0.0.1:$port" --page-cache 0 serve >"$work/serve.log" 2>&1 &
pids+=($!)
"$bin" --database-url "$url" --addr "127.0.0.1:$cached_port" serve >"$work/serve-cached.log" 2>&1 &
pids+=($!)
for p in $port $cached_port; do
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$p/healthz" >/dev/null && break; sleep 0.2; done
done

# The leader's session: the form cookie and token of the login page, then sign in.
jar="$work/leader.jar"
csrf=$(curl -s -c "$jar" "http://127.0.0.1:$port/login" | sed -n 's/.*name="_csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
curl -s -b "$jar" -c "$jar" -o /dev/null -d "_csrf=$csrf&login=lanhdao&password=lanhdao-demo" "http://127.0.0.1:$port/login"

pages=(
  "/" "/sessions" "/sessions/2" "/petitions" "/petitions?sort=raised" "/petitions?sort=due"
  "/petitions?q=nha+van+hoa" "/petitions?q=kenh+muong+khu+7" "/petitions?q=zzzz"
  "/petitions?offset=9000" "/petitions?offset=500000" "/petitions?after=500000"
  "/petitions?sort=raised&after=1~500000"
  "/petitions/500000" "/directives" "/directives?due=overdue" "/directives?due=due_soon"
  "/targets" "/units" "/api/v1/petitions" "/api/v1/units"
  "/stats" "/petitions?raised_min=3" "/petitions?open_months=24&category=Giao+th%C3%B4ng"
  "/directives?offset=9000"
  # The public site (its own pages, read as a visitor whoever asks).
  "/trang-chu" "/trang-chu?phuong=ha+lam" "/tin-tuc" "/kien-nghi" "/kien-nghi?q=nha+van+hoa"
  "/kien-nghi/500000" "/buoi-lam-viec/2" "/don-vi/1" "/tim-kiem?q=nha+van+hoa"
  "/tim-kiem?q=kenh+muong+khu+7" "/tin-tuc/rss.xml" "/sitemap.xml" "/sitemap/kien-nghi-1.xml"
  "/open311/v2/requests.json"
)
time_page() { # who path
  local opts=()
  [ "$1" = leader ] && opts=(-b "$jar")
  for _ in $(seq 20); do
    curl -s "${opts[@]}" -o /dev/null -w '%{time_total} %{http_code} %{size_download}\n' "http://127.0.0.1:$port$2"
  done | python3 -c '
import sys
rows = [l.split() for l in sys.stdin]
t = sorted(float(r[0]) * 1000 for r in rows)
q = lambda p: t[min(len(t) - 1, int(round(p * (len(t) - 1))))]
print(f"| {sys.argv[1]} | `{sys.argv[2]}` | {rows[0][1]} | {q(0.5):.1f} | {q(0.95):.1f} | {q(0.99):.1f} | {int(rows[0][2]) // 1024} KB |")
' "$1" "$2"
}
echo
echo "| who | page | status | median ms | p95 ms | p99 ms | size |"
echo "|---|---|---|---|---|---|---|"
for who in visitor leader; do
  for p in "${pages[@]}"; do time_page "$who" "$p"; done
done

if command -v wrk >/dev/null && command -v nginx >/dev/null; then
  mkdir -p "$work/www"
  cat >"$work/nginx.conf" <<EOF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx.err;
events { worker_connections 1024; }
http {
  access_log off;
  default_type text/html;
  server { listen 127.0.0.1:$nginx_port; root $work/www; location / { try_files \$uri =404; } }
}
EOF
  nginx -c "$work/nginx.conf"
  echo
  echo "| who | page | dondoc req/s | dondoc req/s, no page cache | nginx req/s (same bytes) | ratio | ratio, no page cache | dondoc timeouts |"
  echo "|---|---|---|---|---|---|---|---|"
  for spec in "visitor /sessions/2" "visitor /petitions" "leader /" "leader /sessions/2"; do
    set -- $spec
    opts=()
    [ "$1" = leader ] && opts=(-b "$jar")
    name=$(echo "$2" | tr '/?=&' '____')
    curl -s "${opts[@]}" -o "$work/www/$name.html" "http://127.0.0.1:$port$2"
    cookie=$(awk '$6 == "dondoc_session" { print "dondoc_session=" $7 }' "$jar")
    header=()
    [ "$1" = leader ] && header=(-H "Cookie: $cookie")
    d=$(wrk -t2 -c64 -d10s "${header[@]}" "http://127.0.0.1:$cached_port$2")
    u=$(wrk -t2 -c64 -d10s "${header[@]}" "http://127.0.0.1:$port$2")
    n=$(wrk -t2 -c64 -d10s "http://127.0.0.1:$nginx_port/$name.html")
    dr=$(echo "$d" | awk '/Requests\/sec/ { print $2 }')
    ur=$(echo "$u" | awk '/Requests\/sec/ { print $2 }')
    nr=$(echo "$n" | awk '/Requests\/sec/ { print $2 }')
    to=$(echo "$d $u" | awk '/timeout/ { print $NF }' | paste -sd/)
    echo "| $1 | \`$2\` | $dr | $ur | $nr | $(echo "scale=3; $dr / $nr" | bc) | $(echo "scale=3; $ur / $nr" | bc) | ${to:-0} |"
  done
fi

#!/usr/bin/env bash
# The visitor's home page while the sidebar's sources misbehave: dondoc (the demo, no page
# kept in memory) with its weather and exchange-rate sources pointed at a local source that
# accepts and never answers, one whose port is closed, and one that answers garbage; each
# time, 50 sequential requests of `/`: median, p95 and p99, beside nginx serving the same
# bytes in the same run. Loopback only.
#
#   bench/widgets.sh [path/to/dondoc]     (default: target/release/dondoc)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/dondoc}
[ -x "$bin" ] || cargo build --release -p dondoc
bin=$(realpath "$bin")
work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
hang=18111 garbage=18112 closed=18113 nginx_port=18114 port=18115

# The sources: one holds every connection without a word, one answers garbage.
python3 - "$hang" "$garbage" <<'PY' &
import socket, sys, threading, time
def hang(port):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port)); s.listen(64); held = []
    while True:
        c, _ = s.accept(); held.append(c)
def garbage(port):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port)); s.listen(64)
    while True:
        c, _ = s.accept(); c.recv(65536)
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n{\"current\": [nan")
        c.close()
threading.Thread(target=hang, args=(int(sys.argv[1]),), daemon=True).start()
garbage(int(sys.argv[2]))
PY
pids+=($!)
sleep 0.5

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

times() { # url → "median p95 p99" in ms of 50 sequential requests
  : >"$work/t"
  for _ in $(seq 50); do curl -s -o /dev/null -w '%{time_total}\n' "$1" >>"$work/t"; done
  sort -n "$work/t" | awk '{a[NR]=$1*1000} END {printf "%.1f %.1f %.1f\n", a[int(NR*0.5+0.5)], a[int(NR*0.95+0.5)], a[NR]}'
}

export RUST_LOG=warn
echo "# / for a visitor while the widget sources misbehave ($(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg))"
echo "| weather and rates source | dondoc median / p95 / p99 ms | nginx, same bytes, median / p95 / p99 ms |"
echo "|---|---|---|"
for case in hanging closed garbage; do
  case $case in
    hanging) src="http://127.0.0.1:$hang/x" ;;
    closed) src="http://127.0.0.1:$closed/x" ;;
    garbage) src="http://127.0.0.1:$garbage/x" ;;
  esac
  rm -f "$work/d.db"*
  DONDOC_DATABASE_URL="sqlite://$work/d.db" "$bin" --addr "127.0.0.1:$port" --page-cache 0 --jobs-every 0 \
    --weather-url "$src" --rates-url "$src" --widgets-every 1 --widgets-timeout 30 serve --demo >"$work/serve.log" 2>&1 &
  server=$!
  pids+=("$server")
  for _ in $(seq 200); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
  sleep 2  # the first reads are under way (and, for the hanging source, held)
  curl -s "http://127.0.0.1:$port/" >"$work/www/home.html"
  read -r dm dp dq < <(times "http://127.0.0.1:$port/")
  read -r nm np nq < <(times "http://127.0.0.1:$nginx_port/home.html")
  echo "| $case | $dm / $dp / $dq | $nm / $np / $nq |"
  kill "$server" 2>/dev/null || { echo "dondoc had stopped:" >&2; grep -m3 -i "panic\|error" "$work/serve.log" >&2; }; wait "$server" 2>/dev/null || true
done

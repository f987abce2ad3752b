#!/usr/bin/env bash
# Installs what the tests need beyond cargo: the PostgreSQL server binaries (the test harness
# starts its own throwaway cluster from them) and nginx (nginx-light: the test that puts it in
# front of two app nodes starts its own). Idempotent: does nothing when they are there.
# Exits 2 when one is missing and cannot be installed (no root, no sudo).
set -euo pipefail

have_postgres() {
  local bindir
  bindir=$(pg_config --bindir 2>/dev/null || true)
  [ -n "$bindir" ] && [ -x "$bindir/initdb" ] && return 0
  command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 && return 0
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && return 0
  return 1
}

have_nginx() {
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]
}

missing=()
if have_postgres; then
  echo "PostgreSQL server binaries: present"
else
  missing+=(postgresql)
fi
if have_nginx; then
  echo "nginx: present"
else
  missing+=(nginx-light)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing ${missing[*]}…"
sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "need root or sudo to install ${missing[*]}" >&2; exit 2; }
  sudo_cmd="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -qq
$sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
# The packages may start a cluster or a web server of their own; the tests use neither.
have_postgres && echo "PostgreSQL server binaries: installed"
have_nginx && echo "nginx: installed"

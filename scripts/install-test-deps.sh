#!/usr/bin/env bash
# Installs what the tests need beyond cargo: the PostgreSQL server binaries (the test harness
# starts its own throwaway cluster from them). Idempotent: does nothing when they are there.
# Exits 2 when they are missing and cannot be installed (no root, no sudo).
set -euo pipefail

have_postgres() {
  local bindir
  bindir=$(pg_config --bindir 2>/dev/null || true)
  [ -n "$bindir" ] && [ -x "$bindir/initdb" ] && return 0
  command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 && return 0
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && return 0
  return 1
}

if have_postgres; then
  echo "PostgreSQL server binaries: present"
  exit 0
fi

echo "Installing the PostgreSQL server binaries (package postgresql)…"
sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "need root or sudo to install postgresql" >&2; exit 2; }
  sudo_cmd="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -qq
$sudo_cmd apt-get install -y -qq postgresql >/dev/null
# The package may start a cluster of its own; the tests do not use it.
have_postgres && echo "PostgreSQL server binaries: installed"

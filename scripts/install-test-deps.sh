#!/usr/bin/env bash
# Installs what the tests need beyond cargo: the PostgreSQL server binaries (the test harness
# starts its own throwaway cluster from them), nginx (nginx-light: the test that puts it in
# front of two app nodes starts its own), and for the browser tests (scripts/browser-test)
# Debian's Chromium, Node.js with npm, and the npm packages pinned in browser/package-lock.json
# (playwright-core and axe-core; no browser is downloaded). Idempotent: does nothing when they
# are there. Exits 2 when one is missing and cannot be installed (no root, no sudo, no npm).
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

have_chromium() {
  [ -x "${CHROMIUM:-/usr/bin/chromium}" ]
}

have_node() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1
}

# The npm packages of browser/, installed by `npm ci` from the lock file, once: a copy of the
# lock file beside them says which lock they were installed from.
browser_dir="$(cd "$(dirname "$0")/.." && pwd)/browser"
have_npm_packages() {
  cmp -s "$browser_dir/package-lock.json" "$browser_dir/node_modules/.dondoc-installed-lock.json"
}

install_npm_packages() {
  if have_npm_packages; then
    echo "npm packages of browser/: present"
    return 0
  fi
  have_node || { echo "need node and npm to install the browser tests' packages" >&2; return 2; }
  echo "Installing the npm packages of browser/ (npm ci)…"
  # playwright-core downloads nothing; the variable makes sure no browser ever is.
  (cd "$browser_dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefer-offline --no-audit --no-fund --loglevel=error) || return 2
  cp "$browser_dir/package-lock.json" "$browser_dir/node_modules/.dondoc-installed-lock.json"
  echo "npm packages of browser/: installed"
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
if have_chromium; then
  echo "Chromium: present"
else
  missing+=(chromium)
fi
if have_node; then
  echo "Node.js and npm: present"
else
  missing+=(nodejs npm)
fi
if [ ${#missing[@]} -eq 0 ]; then
  install_npm_packages
  exit $?
fi

echo "Installing ${missing[*]}…"
sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "need root or sudo to install ${missing[*]}" >&2
    have_node && install_npm_packages || true
    exit 2
  fi
  sudo_cmd="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -qq
$sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
# The packages may start a cluster or a web server of their own; the tests use neither.
have_postgres && echo "PostgreSQL server binaries: installed"
have_nginx && echo "nginx: installed"
have_chromium && echo "Chromium: installed"
install_npm_packages

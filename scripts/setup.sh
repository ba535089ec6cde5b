#!/usr/bin/env bash
# Installs everything danvan needs on a fresh Debian/Ubuntu machine, into ./.venv.
#   scripts/setup.sh                 the app and its test tools
#   scripts/setup.sh --with-browser  also Debian's Chromium for the browser tests
set -euo pipefail
cd "$(dirname "$0")/.."

with_browser=0
for arg in "$@"; do
  case "$arg" in
    --with-browser) with_browser=1 ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "Need root (or sudo) to run: $*" >&2; return 1; fi
}

# System packages: gettext compiles the translations, Liberation Serif 2 (Times New Roman
# metrics, with the Vietnamese letters that Debian 12's fonts-liberation 1.x lacks) is the PDF
# font, Chromium drives the browser tests.
need_apt=()
command -v msgfmt >/dev/null || need_apt+=(gettext)
[ -f /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ] || need_apt+=(fonts-liberation2)
if [ "$with_browser" = 1 ] && ! command -v chromium >/dev/null; then need_apt+=(chromium fonts-dejavu-core); fi

python_ok() { "$1" -c 'import sys, venv, ensurepip; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }

find_python() {
  local candidates=()
  # pyenv honours the .python-version file at the repository root.
  if command -v pyenv >/dev/null; then candidates+=("$(pyenv which python 2>/dev/null || true)"); fi
  candidates+=(python3.13 python3.12 python3)
  for c in "${candidates[@]}"; do
    [ -n "$c" ] || continue
    if command -v "$c" >/dev/null && python_ok "$c"; then command -v "$c"; return 0; fi
  done
  return 1
}

PY=$(find_python || true)
if [ -z "$PY" ]; then need_apt+=(python3 python3-venv python3-pip); fi
if [ "${#need_apt[@]}" -gt 0 ] && command -v apt-get >/dev/null; then
  say "Installing system packages: ${need_apt[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
PY=${PY:-$(find_python || true)}
if [ -z "$PY" ] && command -v python3 >/dev/null; then
  # Debian 12 ships Python 3.11: fetch a 3.12 interpreter with uv (from PyPI) instead.
  say "No Python 3.12 or newer found; installing one with uv"
  python3 -m venv .tools && .tools/bin/python -m pip install --quiet uv \
    && .tools/bin/uv python install 3.12 >/dev/null \
    && PY=$(.tools/bin/uv python find 3.12) || PY=""
fi
if [ -z "$PY" ]; then
  echo "danvan needs Python 3.12 or newer with venv; none was found or could be installed." >&2
  echo "Install one with pyenv or uv ('uv python install 3.12'), then run this again." >&2
  exit 1
fi
say "Using $("$PY" --version) at $PY"

if [ ! -x .venv/bin/python ] || ! python_ok .venv/bin/python; then
  rm -rf .venv
  "$PY" -m venv .venv
fi
say "Installing Python packages"
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[dev]"

say "Compiling translations"
(cd src/danvan && ../../.venv/bin/django-admin compilemessages --ignore=.venv -v0)

say "Ready. Start the demo with: .venv/bin/danvan demo"

#!/usr/bin/env bash
# Installs everything Rapport needs on Debian 12, from Debian's packages, Debian's
# source packages and npm, at pinned versions. Idempotent: a second run with nothing
# to do takes a few seconds. Fetched sources go to third_party/ (ignored by git).
#
#   scripts/setup.sh            install what is missing
#   scripts/setup.sh --bench    also what the benchmarks compare against (scikit-learn, pandas)
#   scripts/setup.sh --check    only report what is missing (exit 1 if anything is)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# ---- pinned versions ---------------------------------------------------------------
# Debian 12 (bookworm) binary packages. Chromium is the one exception to exact pins:
# Debian serves only its latest security release, so we accept any version >= the
# floor below (the browser tests depend on behaviour, not on a build number).
APT_PINNED=(
  "emscripten=3.1.6~dfsg-5"
  "libeigen3-dev=3.4.0-4"
  "doctest-dev=2.4.9~ds-1"
  "liblbfgspp-dev=0.1.0-1"
  "fonts-inter=4.0~beta7+ds-1"
  "fonts-font-awesome=5.0.10+really4.7.0~dfsg-4.1"
)
APT_UNPINNED=(chromium dpkg-dev tcl gzip python3 cmake g++ make ca-certificates sqlite3)
# Only for scripts/bench.sh: the reference figures (Debian's Python 3, /usr/bin/python3).
APT_BENCH=(
  "python3-sklearn=1.2.1+dfsg-1"
  "python3-pandas=1.5.3+dfsg-2"
)
CHROMIUM_MIN_MAJOR=120
# Source packages from Debian 13 (trixie): upstream versions are pinned, the Debian
# revision may move with security updates.
IMGUI_SRC=imgui IMGUI_VERSION=1.90.1
SQLITE_SRC=sqlite3 SQLITE_VERSION=3.46.1

CHECK_ONLY=0 BENCH=0
for arg in "$@"; do
  case "$arg" in
    --check) CHECK_ONLY=1 ;;
    --bench) BENCH=1 ;;
  esac
done
[[ $BENCH -eq 1 ]] && APT_PINNED+=("${APT_BENCH[@]}")
SUDO=""
[[ $(id -u) -ne 0 ]] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
missing=()
say() { printf 'setup: %s\n' "$*"; }

# ---- 1. Debian packages ----------------------------------------------------------
installed_version() { dpkg-query -W -f='${db:Status-Abbrev} ${Version}' "$1" 2>/dev/null | awk '$1=="ii"{print $2}'; }

need_apt=()
for spec in "${APT_PINNED[@]}"; do
  name=${spec%%=*} want=${spec#*=}
  [[ "$(installed_version "$name")" == "$want" ]] || need_apt+=("$spec")
done
for name in "${APT_UNPINNED[@]}"; do
  [[ -n "$(installed_version "$name")" ]] || need_apt+=("$name")
done
apt_updated=0
apt_update() { if [[ $apt_updated -eq 0 ]]; then $SUDO apt-get update -qq; apt_updated=1; fi; }
if [[ ${#need_apt[@]} -gt 0 ]]; then
  if [[ $CHECK_ONLY -eq 1 ]]; then missing+=("${need_apt[@]}"); else
    say "installing Debian packages: ${need_apt[*]}"
    apt_update
    $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  fi
fi
if [[ $CHECK_ONLY -eq 0 ]]; then
  major=$(installed_version chromium | cut -d. -f1)
  if [[ -z "$major" || "$major" -lt $CHROMIUM_MIN_MAJOR ]]; then
    echo "setup: chromium $major is older than $CHROMIUM_MIN_MAJOR" >&2; exit 1
  fi
fi

# ---- 2. Debian source packages (Dear ImGui, SQLite) ------------------------------
SRC_LIST=/etc/apt/sources.list.d/rapport-deb-src.sources
ensure_deb_src() {
  [[ -f "$SRC_LIST" ]] && return 0
  # Reuse the mirror this machine already uses for its binary packages.
  local uri
  uri=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [[ -n "$uri" ]] || uri=http://deb.debian.org/debian
  say "enabling Debian source packages (bookworm, trixie) from $uri"
  $SUDO tee "$SRC_LIST" >/dev/null <<SRC
Types: deb-src
URIs: $uri
Suites: bookworm trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  apt_updated=0
}

# fetch_source PACKAGE UPSTREAM_VERSION: unpacks into third_party/src/PACKAGE-UPSTREAM
fetch_source() {
  local pkg=$1 ver=$2 dest="third_party/src/$1-$2"
  [[ -f "$dest/.fetched" ]] && return 0
  if [[ $CHECK_ONLY -eq 1 ]]; then missing+=("source:$pkg/$ver"); return 0; fi
  ensure_deb_src; apt_update
  local work; work=$(mktemp -d "$ROOT/third_party/.fetch.XXXXXX")
  say "fetching Debian source package $pkg/trixie ($ver)"
  (cd "$work" && apt-get source -qq "$pkg/trixie" >/dev/null 2>&1) || {
    echo "setup: apt-get source $pkg/trixie failed" >&2; rm -rf "$work"; exit 1; }
  local dir; dir=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name "$pkg-*" | head -1)
  if [[ "$(basename "$dir")" != "$pkg-$ver"* ]]; then
    echo "setup: expected $pkg $ver, got $(basename "$dir")" >&2; rm -rf "$work"; exit 1
  fi
  rm -rf "$dest"; mv "$dir" "$dest"; rm -rf "$work"
  touch "$dest/.fetched"
}

mkdir -p third_party/src
fetch_source "$IMGUI_SRC" "$IMGUI_VERSION"
fetch_source "$SQLITE_SRC" "$SQLITE_VERSION"

# Dear ImGui: the library sources and the two backends we use, at a stable path.
# The stamp names what was copied; a change to the list below bumps it.
IMGUI_STAMP="$IMGUI_VERSION files-2"
if [[ $CHECK_ONLY -eq 0 && "$(cat third_party/imgui/.ready 2>/dev/null)" != "$IMGUI_STAMP" ]]; then
  src="third_party/src/$IMGUI_SRC-$IMGUI_VERSION"
  rm -rf third_party/imgui; mkdir -p third_party/imgui/backends
  cp "$src"/imgui*.cpp "$src"/imgui*.h "$src"/imstb_*.h "$src"/imconfig.h third_party/imgui/
  cp "$src"/backends/imgui_impl_glfw.* "$src"/backends/imgui_impl_opengl3* third_party/imgui/backends/
  echo "$IMGUI_STAMP" > third_party/imgui/.ready
fi

# SQLite: build the amalgamation (sqlite3.c + sqlite3.h) from the source tree.
if [[ $CHECK_ONLY -eq 0 && ! -f third_party/sqlite/.ready ]]; then
  say "building the SQLite amalgamation (about 20 s)"
  src="$ROOT/third_party/src/$SQLITE_SRC-$SQLITE_VERSION"
  build=$(mktemp -d "$ROOT/third_party/.sqlite-build.XXXXXX")
  (cd "$build" && "$src/configure" --quiet >/dev/null && make -s sqlite3.c >/dev/null)
  rm -rf third_party/sqlite; mkdir -p third_party/sqlite
  cp "$build/sqlite3.c" "$build/sqlite3.h" third_party/sqlite/
  [[ -f "$build/sqlite3ext.h" ]] && cp "$build/sqlite3ext.h" third_party/sqlite/ || cp "$src/src/sqlite3ext.h" third_party/sqlite/ 2>/dev/null || true
  rm -rf "$build"
  grep -q "#define SQLITE_VERSION *\"$SQLITE_VERSION\"" third_party/sqlite/sqlite3.h || {
    echo "setup: built SQLite is not $SQLITE_VERSION" >&2; exit 1; }
  touch third_party/sqlite/.ready
fi

# Headers that sit directly in /usr/include get folders of their own, because emcc
# must never see -I/usr/include (it would pick up glibc's headers).
if [[ $CHECK_ONLY -eq 0 ]]; then
  mkdir -p third_party/include/doctest third_party/include/lbfgspp
  ln -sfn /usr/include/doctest third_party/include/doctest/doctest
  for f in LBFGS.h LBFGSB.h LBFGSpp; do
    [[ -e /usr/include/$f ]] && ln -sfn "/usr/include/$f" "third_party/include/lbfgspp/$f"
  done
fi

# ---- 3. npm (playwright-core, pinned by package-lock.json) -----------------------
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f node_modules/.lock-hash || "$(cat node_modules/.lock-hash)" != "$lock_hash" ]]; then
  if [[ $CHECK_ONLY -eq 1 ]]; then missing+=("npm packages"); else
    say "installing npm packages (npm ci)"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund >/dev/null
    echo "$lock_hash" > node_modules/.lock-hash
  fi
fi

if [[ $CHECK_ONLY -eq 1 ]]; then
  if [[ ${#missing[@]} -gt 0 ]]; then say "missing: ${missing[*]}"; exit 1; fi
  say "everything is installed"; exit 0
fi
say "ready"

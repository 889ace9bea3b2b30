# common.sh: shared by the scripts in this folder (sourced, not run).
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
# Emscripten's JS optimizer needs Debian's acorn, which lives here.
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
# Emscripten's cache: Debian ships it prebuilt and frozen in /usr/share/emscripten/cache
# (its config never builds into it). A user who cannot write there (not root) gets a private
# copy, made once. Decided after setup, since setup is what installs Emscripten.
use_emscripten_cache() {
  local system=/usr/share/emscripten/cache
  [[ -z "${EM_CACHE:-}" && -d "$system" && ! -w "$system" ]] || return 0
  export EM_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/rapport-emscripten"
  if [[ ! -f "$EM_CACHE/sysroot_install.stamp" ]]; then
    rm -rf "$EM_CACHE" && mkdir -p "$(dirname "$EM_CACHE")" && cp -a "$system" "$EM_CACHE"
  fi
}

run_setup() {  # [--bench]
  if [[ "${RAPPORT_SKIP_SETUP:-0}" != 1 ]]; then "$ROOT/scripts/setup.sh" "$@" || return 1; fi
  use_emscripten_cache
}

configure_native() {
  [[ -f "$ROOT/build/native/CMakeCache.txt" ]] ||
    cmake -S "$ROOT" -B "$ROOT/build/native" -DCMAKE_BUILD_TYPE=Release >/dev/null
}

configure_web() {
  [[ -f "$ROOT/build/web/CMakeCache.txt" ]] ||
    emcmake cmake -S "$ROOT" -B "$ROOT/build/web" -DCMAKE_BUILD_TYPE=Release >/dev/null 2>&1 ||
    { echo "configure of the web build failed: rerun emcmake cmake -S . -B build/web for details" >&2; return 1; }
}

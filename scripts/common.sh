# common.sh: shared by the scripts in this folder (sourced, not run).
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
# Emscripten's JS optimizer needs Debian's acorn, which lives here.
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
# Emscripten keeps compiled system libraries in a cache; use a private one when the
# system's is not writable (a non-root user).
if [[ -z "${EM_CACHE:-}" && ! -w /usr/share/emscripten/cache ]]; then
  export EM_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/rapport-emscripten"
fi

run_setup() {
  if [[ "${RAPPORT_SKIP_SETUP:-0}" != 1 ]]; then "$ROOT/scripts/setup.sh"; fi
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

#!/usr/bin/env bash
# Builds the static site into dist/: index.html, style.css, loader.js, rapport.js,
# rapport.wasm and assets/. Copying dist/ to any static web server is enough to use it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
run_setup
configure_web
cmake --build build/web --target rapport -j"$JOBS"
rm -rf dist.tmp && mkdir -p dist.tmp
cp web/index.html web/style.css web/loader.js dist.tmp/
cp -r assets dist.tmp/assets
cp build/web/src/rapport.js build/web/src/rapport.wasm dist.tmp/
rm -rf dist && mv dist.tmp dist
echo "build: dist/ is ready ($(du -sh dist | cut -f1))"

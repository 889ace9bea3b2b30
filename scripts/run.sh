#!/usr/bin/env bash
# Installs what is missing, builds the web app and serves it on http://localhost:8080.
#   scripts/run.sh               serve on port 8080
#   scripts/run.sh --port 9000   (or PORT=9000 scripts/run.sh) serve on another port
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
PORT=${PORT:-8080}
while [[ $# -gt 0 ]]; do
  case "$1" in
    --port) PORT=$2; shift 2 ;;
    --port=*) PORT=${1#*=}; shift ;;
    *) echo "usage: scripts/run.sh [--port N]" >&2; exit 2 ;;
  esac
done
cd "$ROOT"
"$ROOT/scripts/build.sh"
exec python3 "$ROOT/scripts/serve.py" --port "$PORT" --dir "$ROOT/dist"

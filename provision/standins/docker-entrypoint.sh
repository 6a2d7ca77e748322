#!/bin/sh
# Entry point of the offline `node` stand-in, behaving like the official image's:
# `docker run node` starts the REPL, `docker run node -e '...'` and `docker run node app.js`
# run node with those arguments, and any other command (`npm`, `bash`) runs as given.
set -e
first="${1:-}"
case "$first" in
  -*) set -- node "$@" ;;
  *)
    if [ -n "$first" ] && ! command -v "$first" >/dev/null 2>&1; then
      set -- node "$@"
    fi
    ;;
esac
exec "$@"

#!/bin/sh
# The official registry image's entry point (distribution/distribution-library-image,
# entrypoint.sh), so the stand-in behaves the same: `docker run registry:2` serves with the
# config file, `docker run registry:2 garbage-collect CONFIG` runs that subcommand, any other
# command runs as given.
set -e

case "$1" in
    *.yaml|*.yml) set -- registry serve "$@" ;;
    serve|garbage-collect|help|-*) set -- registry "$@" ;;
esac

exec "$@"

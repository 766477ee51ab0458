#!/bin/sh
# Starts the app named by APP; `<image> migrate` (with APP=metrics) runs apps/metrics/src/commands/migrate.ts.
set -eu
case "${APP:-}" in
  ingest | realtime | metrics | insights | gateway) ;;
  *)
    echo "APP must be one of ingest, realtime, metrics, insights, gateway (got '${APP:-}')" >&2
    exit 64
    ;;
esac
if [ "$#" -eq 0 ]; then
  exec node --import tsx "apps/$APP/src/main.ts"
fi
command="$1"
shift
if [ ! -f "apps/$APP/src/commands/$command.ts" ]; then
  echo "no command '$command' in apps/$APP/src/commands" >&2
  exit 64
fi
exec node --import tsx "apps/$APP/src/commands/$command.ts" "$@"

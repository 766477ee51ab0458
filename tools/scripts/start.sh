#!/usr/bin/env bash
# One command for the whole stack on the local PostgreSQL, Redis and NATS:
#   npm start            install if needed, create schema and streams, start every app
#   npm start -- --demo  the same, plus the shop-traffic simulator sending live events
# Ctrl-C stops everything. Each app reads the documented environment variables (README).
set -euo pipefail
cd "$(dirname "$0")/../.."

demo=false
for arg in "$@"; do [ "$arg" = "--demo" ] && demo=true; done

[ -d node_modules ] || npm ci --no-audit --no-fund
bash tools/scripts/services.sh || {
  echo "a local service is down and could not be started; see tools/scripts/services.sh" >&2
  exit 1
}
bash tools/scripts/pg-extensions.sh
export OTEL_METRICS_EXPORTER=none OTEL_LOGS_EXPORTER=none
# Local development: the gateway's auth is off unless you configure JWT settings (never in the images).
if [ -z "${JWT_SECRET:-}${JWT_JWKS_URL:-}" ]; then
  export AUTH_DISABLED="${AUTH_DISABLED:-true}"
  echo "WARNING: AUTH_DISABLED=$AUTH_DISABLED: the gateway on :${PORT:-8005} accepts every request without a key or token" >&2
fi
npm run --silent migrate -w apps/metrics

pids=()
stop() {
  trap - INT TERM
  echo "stopping…" >&2
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait || true
}
trap stop INT TERM

# Metrics first (it owns the schema and the event-store consumer), then the rest.
for app in metrics ingest realtime insights gateway; do
  if [ -f "apps/$app/package.json" ] && grep -q '"start"' "apps/$app/package.json"; then
    node_modules/.bin/tsx "apps/$app/src/main.ts" > >(sed -u "s/^/[$app] /") 2>&1 &
    pids+=($!)
  fi
done

if $demo; then
  sleep 3
  node_modules/.bin/tsx tools/src/simulate.ts --rate 50 --transport grpc --url http://127.0.0.1:50051 \
    > >(sed -u "s/^/[simulator] /") 2>&1 &
  pids+=($!)
fi
wait

#!/usr/bin/env bash
# Every check and test: contracts (buf lint + regenerate-and-diff), formatting, then lint, typecheck and
# all unit and integration tests of every project. Integration tests need PostgreSQL, Redis and NATS on
# localhost (tools/scripts/services.sh starts any that are down).
set -euo pipefail
cd "$(dirname "$0")/../.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
bash tools/scripts/proto-check.sh
npx prettier --check . --log-level warn
npx nx run-many -t lint typecheck test --outputStyle=stream "$@"
# The web dashboard end to end, in Debian's Chromium against the real stack (never a downloaded browser).
command -v chromium >/dev/null || { echo "the browser tests need Debian's chromium: apt-get install -y chromium" >&2; exit 1; }
npx nx run @broxiva/web-app:e2e --outputStyle=stream

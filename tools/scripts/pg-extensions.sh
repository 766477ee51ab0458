#!/usr/bin/env bash
# Installs the PostgreSQL extensions the analytics database needs when the local server lacks them:
# hll (HyperLogLog sketches of distinct users and sessions in the rollups), Debian's postgresql-<major>-hll.
# Elsewhere install it with your system's package manager or from github.com/citusdata/postgresql-hll.
set -euo pipefail

has_hll() {
  [ "$(psql -h 127.0.0.1 -U postgres -d postgres -Atc "SELECT 1 FROM pg_available_extensions WHERE name = 'hll'" 2>/dev/null)" = 1 ]
}
has_hll && exit 0
major=$(psql -h 127.0.0.1 -U postgres -d postgres -Atc "SHOW server_version_num" | cut -c1-2)
echo "installing postgresql-$major-hll" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-$major-hll"
has_hll || { echo "the hll extension is still missing after installing postgresql-$major-hll" >&2; exit 1; }

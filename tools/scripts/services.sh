#!/usr/bin/env bash
# Starts PostgreSQL, Redis and NATS (JetStream) on localhost if they are down, with the machine's own
# commands, and waits until each answers. Exits non-zero naming the one that would not start.
set -uo pipefail

up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() { # name port
  for _ in $(seq 1 50); do up "$2" && return 0; sleep 0.2; done
  echo "$1 did not come up on 127.0.0.1:$2" >&2
  return 1
}

status=0
if ! up 5432; then
  echo "starting PostgreSQL" >&2
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  wait_for PostgreSQL 5432 || status=1
fi
if ! up 6379; then
  echo "starting Redis" >&2
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  wait_for Redis 6379 || status=1
fi
if ! up 4222; then
  echo "starting NATS with JetStream" >&2
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
    -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log || true
  wait_for NATS 4222 || status=1
fi
exit $status

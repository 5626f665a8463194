#!/usr/bin/env bash
# The integration tests talk to a real PostgreSQL (127.0.0.1:5432) and a real NATS server
# with JetStream (127.0.0.1:4222). CI machines run both; on a developer machine this starts
# Debian's installed servers when they are not listening yet.
set -uo pipefail
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PGHOST_ADDR=${PACS_TEST_PG_PORT:-5432}
if ! listening "$PGHOST_ADDR"; then
  if command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
fi
if ! listening 4222; then
  if command -v nats-server >/dev/null; then
    mkdir -p /var/lib/nats-server
    start-stop-daemon --start --oknodo --background --exec "$(command -v nats-server)" -- \
      -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log || true
  fi
fi
for _ in $(seq 1 50); do
  listening "$PGHOST_ADDR" && listening 4222 && exit 0
  sleep 0.2
done
listening "$PGHOST_ADDR" || echo "PostgreSQL is not listening on 127.0.0.1:$PGHOST_ADDR" >&2
listening 4222 || echo "NATS is not listening on 127.0.0.1:4222 (install nats-server and run it with -js)" >&2
exit 1

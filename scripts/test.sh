#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what the tests need on a fresh Debian
# machine, then type-checks, lints and runs every test tier. The last line of output is
# the total, "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export TCP_NODELAY=1 NX_DAEMON=false NPM_CONFIG_LOGLEVEL=error

fail() { echo "test.sh: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

./scripts/install-prereqs.sh || fail "installing prerequisites failed"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund || fail "npm ci failed"
fi
./scripts/ensure-services.sh || fail "PostgreSQL or NATS JetStream is not reachable"

echo "== typecheck"; npx tsc -p tsconfig.json --noEmit || fail "typecheck failed"
npx tsc -p apps/web-ui/tsconfig.json --noEmit || fail "web UI typecheck failed"
# The module-boundary rule reads Nx's cached project graph and silently skips itself without
# one (a fresh checkout): compute the graph first so the rule always runs.
echo "== lint"; npx nx show projects >/dev/null || fail "nx project graph failed"
npx eslint . || fail "lint failed"
echo "== build"; node scripts/build.mjs || fail "build failed"
echo "== tests"
node scripts/run-tests.mjs "$@"

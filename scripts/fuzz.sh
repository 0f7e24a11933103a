#!/usr/bin/env bash
# A longer Schemathesis run than CI's (tests/contract/test_fuzz.py): every operation, all
# checks, all phases (examples, coverage, fuzzing, stateful), against a live uvicorn server
# on 127.0.0.1 over a database built from seeds/ in a temporary folder.
#
#   ./scripts/fuzz.sh                        # 1000 cases per operation, seed 1
#   EXAMPLES=5000 SEED=7 ./scripts/fuzz.sh   # more, or other, cases
#   ./scripts/fuzz.sh --max-time 600         # extra arguments go to `schemathesis run`
#
# DATABASE_URL=... fuzzes that database instead (it is only read). Settings shared with the
# CI run (the 422 allowance, ...) are in tests/contract/schemathesis.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export UV_PYTHON_DOWNLOADS=never UV_SYSTEM_CERTS=1

workdir="$(mktemp -d)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" && wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$workdir"
}
trap cleanup EXIT

if [[ -z "${DATABASE_URL:-}" ]]; then
  export DATABASE_URL="sqlite:///$workdir/facts.db"
  uv run --frozen python scripts/seed.py >/dev/null
fi
port="$(uv run --frozen python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"

uv run --frozen uvicorn app.main:app --host 127.0.0.1 --port "$port" --log-level warning \
  >"$workdir/uvicorn.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "$base/health" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$workdir/uvicorn.log" >&2; exit 1; }
  sleep 0.2
done
curl -fsS "$base/health" >/dev/null || { echo "fuzz.sh: no server on $base" >&2; exit 1; }

status=0
uv run --frozen schemathesis --config-file tests/contract/schemathesis.toml run \
  "$base/openapi.json" --checks all --workers 2 \
  --max-examples "${EXAMPLES:-1000}" --seed "${SEED:-1}" "$@" || status=$?
if grep -q "Traceback" "$workdir/uvicorn.log"; then
  echo "fuzz.sh: the server logged errors:" >&2
  cat "$workdir/uvicorn.log" >&2
  status=1
fi
exit "$status"

#!/usr/bin/env bash
# Set everything up, run the checks (ruff, mypy, seed validation), then the whole test
# suite twice: on SQLite, and on a throwaway PostgreSQL server (scripts/pg.sh) whose default
# collation is deliberately not C.
# Exits non-zero if either run fails; the server is stopped and removed in every case.
#
#   ./scripts/test.sh                      # lint, seed check, SQLite run, PostgreSQL run
#   ./scripts/test.sh -k claims -x         # extra arguments go to both pytest runs
#   TEST_ENGINES=sqlite ./scripts/test.sh  # one engine only (sqlite or postgresql)
#   TEST_DATABASE_URL=postgresql+psycopg://... ./scripts/test.sh   # your server, not a
#                                          # throwaway one (its tables are replaced!)
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --test-tools
uv run --frozen ruff check .
uv run --frozen ruff format --check .
uv run --frozen mypy app scripts tests
uv run --frozen python scripts/seed.py --check

engines="${TEST_ENGINES:-sqlite postgresql}"
own_server="${TEST_DATABASE_URL:-}"
[[ "$own_server" == postgresql* ]] || own_server=""
summary=()
failed=0

header() {
  printf '\n==================== %s ====================\n' "$*"
}

run() {
  local name="$1"
  shift
  local started=$SECONDS status=0
  "$@" || status=$?
  local outcome="passed"
  if [[ $status -ne 0 ]]; then
    outcome="FAILED (exit $status)"
    failed=1
  fi
  summary+=("$name: $outcome in $((SECONDS - started))s")
}

for engine in $engines; do
  case "$engine" in
    sqlite)
      header "pytest on SQLite"
      run SQLite env -u TEST_DATABASE_URL uv run --frozen pytest -q "$@"
      ;;
    postgresql)
      if [[ -n "$own_server" ]]; then
        header "pytest on PostgreSQL (TEST_DATABASE_URL)"
        run PostgreSQL uv run --frozen pytest -q "$@"
      else
        header "pytest on PostgreSQL (throwaway server)"
        # ICU's root collation with punctuation ignored sorts like glibc's en_US.UTF-8
        # ("aircraft" before "air-defence"): the app must not depend on a C default.
        run PostgreSQL ./scripts/pg.sh --collation und-u-ka-shifted \
          uv run --frozen pytest -q "$@"
      fi
      ;;
    *)
      echo "test.sh: unknown engine '$engine' in TEST_ENGINES (sqlite, postgresql)" >&2
      exit 2
      ;;
  esac
done

header "summary"
printf '%s\n' "${summary[@]}"
exit "$failed"

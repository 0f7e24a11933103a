#!/usr/bin/env bash
# Set everything up, (re)build the database from seeds/, and serve the API and the explorer
# on 127.0.0.1:8000 (HOST and PORT change that).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
uv run --frozen python scripts/seed.py
exec uv run --frozen uvicorn app.main:app --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"

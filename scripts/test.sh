#!/usr/bin/env bash
# Set everything up and run the checks and the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
uv run --frozen ruff check .
uv run --frozen ruff format --check .
uv run --frozen python scripts/seed.py --check
uv run --frozen pytest -q "$@"

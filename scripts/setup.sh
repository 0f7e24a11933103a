#!/usr/bin/env bash
# Install uv (if missing) and the project's locked dependencies into .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never UV_SYSTEM_CERTS=1
if ! command -v uv >/dev/null 2>&1; then
  python3 -m pip install --quiet uv 2>/dev/null || python3 -m pip install --quiet --user uv
  export PATH="$HOME/.local/bin:$PATH"
fi
uv sync --frozen --extra dev --quiet

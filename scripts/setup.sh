#!/usr/bin/env bash
# Install uv (if missing) and the project's locked dependencies into .venv.
#   ./scripts/setup.sh               # what serving needs
#   ./scripts/setup.sh --test-tools  # plus Chromium and node/npm for tests/contract
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never UV_SYSTEM_CERTS=1
if ! command -v uv >/dev/null 2>&1; then
  python3 -m pip install --quiet uv 2>/dev/null || python3 -m pip install --quiet --user uv
  export PATH="$HOME/.local/bin:$PATH"
fi
uv sync --frozen --extra dev --quiet

[[ "${1:-}" == "--test-tools" ]] || exit 0

# The contract tests (tests/contract) need headless Chromium and node with npm. CI must have
# them, so CI=true installs whichever is missing; elsewhere that happens only as root.
# Idempotent: nothing is fetched when they are already there.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi
if ((${#missing[@]})) && { [[ "${CI:-}" == "true" ]] || [[ "$(id -u)" == 0 ]]; }; then
  sudo=""
  [[ "$(id -u)" == 0 ]] || sudo="sudo -n"
  echo "setup.sh: installing ${missing[*]} (Debian packages) for tests/contract" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

#!/usr/bin/env bash
# Start the bot with the settings from the environment or ./.env.
# Usage: ./scripts/run.sh [options of `nhacviec start`]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e .
.venv/bin/python -m bot.i18n

exec .venv/bin/nhacviec start "$@"

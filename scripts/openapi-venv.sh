#!/usr/bin/env bash
# Makes (or refreshes) the Python venv the spec test validates with: the pinned packages of
# tests/integration/spec/requirements.txt from PyPI, in DIR (the tests use
# <build>/openapi-venv). Idempotent: a stamp of the requirements skips the install when
# nothing changed.
#   scripts/openapi-venv.sh DIR
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:?usage: openapi-venv.sh DIR}"
requirements="tests/integration/spec/requirements.txt"
stamp="$dir/.requirements.sha256"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [[ -x "$dir/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  exit 0
fi
python3 -m venv --clear "$dir"
# --no-deps: the file pins the whole closure, so nothing unpinned comes along.
"$dir/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$requirements"
"$dir/bin/python" -m pip check >/dev/null
echo "$want" >"$stamp"

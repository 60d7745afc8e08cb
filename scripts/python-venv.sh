#!/usr/bin/env bash
# Makes (or refreshes) a Python venv of a test's tools: the pinned packages of REQUIREMENTS
# from PyPI, in DIR. The spec test validates with tests/integration/spec/requirements.txt in
# <build>/openapi-venv, the metrics test parses with tests/integration/metrics/requirements.txt
# in <build>/metrics-venv. Idempotent: a stamp of the requirements skips the install when
# nothing changed.
#   scripts/python-venv.sh DIR REQUIREMENTS
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:?usage: python-venv.sh DIR REQUIREMENTS}"
requirements="${2:?usage: python-venv.sh DIR REQUIREMENTS}"
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

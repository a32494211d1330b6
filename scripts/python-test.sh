#!/usr/bin/env bash
# The Python package and the Spark job (issue 16): builds the wheel from this clone into a
# virtualenv with the pinned test requirements, then runs python/tests (Spark local[2]).
# Needs java (Debian's OpenJDK; .ci/run installs it) and the release CLI the tests compare
# against (built here when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
VENV="${MARSAD_VENV:-$CARGO_TARGET_DIR/py-venv}"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check -r python/requirements-spark.txt
# The same target dir as the workspace: the wheel reuses the crates cargo built.
"$VENV/bin/pip" install -q --disable-pip-version-check --force-reinstall --no-deps ./python
cargo build --release --locked -p marsad
export PYSPARK_PYTHON="$VENV/bin/python" PYSPARK_DRIVER_PYTHON="$VENV/bin/python"
# From the root: the source folder python/marsad (no compiled module) must not shadow the wheel.
"$VENV/bin/python" -m pytest -q -p no:cacheprovider python/tests "$@"

#!/usr/bin/env bash
# make test: every gate in turn (lint, build, the unit tests, sanity, then the Molecule scenarios). The lab images
# and the test applications, which only the scenarios need, are built in the background while the other gates run;
# their output goes to build/logs/images.log, shown when the build fails. The first gate that fails ends the run.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build/logs
# In the foreground first: the virtualenv, and every host package (apt takes one install at a time).
make --no-print-directory venv prereq
setsid make --no-print-directory molecule-deps >build/logs/images.log 2>&1 &
images=$!
trap 'kill -- -"${images}" 2>/dev/null || true' EXIT
started=${SECONDS}
make --no-print-directory lint build unit unit-nginx unit-browser sanity
if ! wait "${images}"; then
  trap - EXIT
  tail -n 30 build/logs/images.log
  echo "make test: building the lab images or the test applications failed (above; whole output: build/logs/images.log)"
  exit 1
fi
trap - EXIT
echo "make test: the gates before Molecule passed in $((SECONDS - started)) s, the images built beside them"
make --no-print-directory molecule

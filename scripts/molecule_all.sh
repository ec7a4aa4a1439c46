#!/usr/bin/env bash
# Run the given Molecule scenarios in turn (make molecule). Each scenario's output is shown and kept in
# build/logs/molecule-<scenario>.log; when one fails, what failed is repeated at the very end, so the
# reason is still there when only the tail of a long log is read.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
mkdir -p build/logs
all_started=${SECONDS}
for scenario in "$@"; do
    started=${SECONDS}
    log="build/logs/molecule-${scenario}.log"
    echo "== molecule test -s ${scenario}"
    if ! molecule test -s "${scenario}" 2>&1 | tee "${log}"; then
        echo
        echo "== molecule test -s ${scenario} failed; the failed tasks and tests (whole output: ${log}):"
        clean="build/logs/molecule-${scenario}.txt"
        sed 's/\x1b\[[0-9;]*m//g' "${log}" >"${clean}"
        grep -E -A10 '(fatal|failed): \[|^[^A-Za-z]*E  |FAILED [^ ]+::' "${clean}" | tail -n 60
        grep -E '^(CRITICAL|ERROR) ' "${clean}" | tail -n 5
        exit 1
    fi
    echo "== molecule test -s ${scenario} passed in $((SECONDS - started)) s"
done
echo "== molecule: $# scenario(s) passed in $((SECONDS - all_started)) s (strategy ${ANSIBLE_STRATEGY:-linear})"

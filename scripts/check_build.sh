#!/usr/bin/env bash
# Fail when the built collection carries anything that is not part of the collection.
set -euo pipefail
tarball=${1:?usage: check_build.sh TARBALL}
bad=$(tar -tzf "$tarball" | grep -E '^(tests|molecule|lab|scripts|\.ci|\.config|\.venv|collections|lab-report|build)/|(^|/)Makefile$|__pycache__' || true)
if [ -n "$bad" ]; then
  printf 'build: the collection tarball holds files that must stay out of it:\n%s\n' "$bad" >&2
  exit 1
fi
printf 'build: %s holds %s files, none of them tests or lab tooling\n' "$tarball" "$(tar -tzf "$tarball" | grep -vc '/$')"

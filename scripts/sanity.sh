#!/usr/bin/env bash
# Run ansible-test sanity offline on a copy of the collection.
#
# ansible-test must run from .../ansible_collections/<namespace>/<name>; the checkout's own
# collections/ symlink resolves to the repo root, so a copy under build/ (gitignored) is tested:
# git-tracked plus untracked, non-ignored files. Extra arguments go to ansible-test, e.g.
#   scripts/sanity.sh --test validate-modules
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${VENV:-${repo_root}/.venv}"
python_version="${SANITY_PYTHON:-3.11}"
dest="${repo_root}/build/ansible_collections/sessionlab/tomcat_ha"

# ansible-test bootstraps pip in the virtualenvs it creates for sanity tests with a script it downloads;
# that download is not reachable here. This stand-in does the same from the wheel in
# ensurepip plus PyPI. The file name follows ansible-test's get-venv-packages pip version (24.2 in 2.19).
pip_version="$("${venv}/bin/python" - <<'PY'
import inspect
import re

from ansible_test._internal import python_requirements

match = re.search(r"pip='([0-9.]+)'", inspect.getsource(python_requirements.get_venv_packages))
print(match.group(1) if match else "24.2")
PY
)"
get_pip="${HOME}/.ansible/test/cache/get_pip_${pip_version//./_}.py"
if [ ! -s "${get_pip}" ]; then
  mkdir -p "$(dirname "${get_pip}")"
  cat > "${get_pip}" <<'PY'
"""Stand-in for get-pip.py (written by scripts/sanity.sh): ensurepip, then pip installs what was asked."""
import subprocess
import sys

args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"])
subprocess.check_call([sys.executable, "-m", "pip", "install", "--disable-pip-version-check", *args])
PY
fi

rm -rf "${repo_root}/build/ansible_collections"
mkdir -p "${dest}"
cd "${repo_root}"
# Tracked + untracked-not-ignored files that still exist; collections/ is the symlink back to the root.
git ls-files -z --cached --others --exclude-standard \
  | while IFS= read -r -d '' f; do
      case "$f" in collections/*|build/*|.venv/*) continue ;; esac
      [ -e "$f" ] || [ -L "$f" ] && printf '%s\0' "$f"
    done \
  | tar --null -T - -cf - | tar -xf - -C "${dest}"

cd "${dest}"
# ansible-test lists content with git from the nearest .git upwards; the outer repo ignores build/,
# so the copy gets its own (empty) repository, where every file is "untracked, not ignored".
git init -q .
export PATH="${venv}/bin:${PATH}"
start=$(date +%s)
status=0
"${venv}/bin/ansible-test" sanity --local --python "${python_version}" --color no "$@" || status=$?
echo "sanity: ansible-test finished with status ${status} in $(( $(date +%s) - start ))s (copy in ${dest})"
exit "${status}"

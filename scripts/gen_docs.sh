#!/usr/bin/env bash
# Write the collection's reference with antsibull-docs: a page per role and plugin it finds, and an index.
#
#   scripts/gen_docs.sh [DEST]    DEST defaults to docs/reference; pages of removed roles and plugins go
#
# tests/unit/test_docs.py runs it into a scratch directory and compares the result with docs/reference.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${VENV:-${repo_root}/.venv}"
dest="${1:-${repo_root}/docs/reference}"
mkdir -p "${dest}"
# antsibull-docs refuses to write where others may write too.
chmod og-w "${dest}"
# The pinned antsibull-docs and the ansible-doc it runs; the checkout's collection through its collections/
# symlink, never an installed copy.
export PATH="${venv}/bin:${PATH}"
export ANSIBLE_CONFIG="${repo_root}/ansible.cfg" ANSIBLE_COLLECTIONS_PATH="${repo_root}/collections"
antsibull-docs --config-file "${repo_root}/scripts/antsibull-docs.cfg" collection \
  --use-current --squash-hierarchy --output-format simplified-rst --fail-on-error --cleanup everything \
  --dest-dir "${dest}" sessionlab.tomcat_ha
# antsibull-docs 2.28 backslash-escapes text inside :code:, which only Sphinx unescapes; GitHub's renderer
# shows the backslashes (and a copied install command would carry them). A plain literal needs no escapes.
perl -pi -e 's/:code:`([^`]*)`/"``" . ($1 =~ s#\\(.)#$1#gr) . "``"/ge' "${dest}"/*.rst
# It also links another collection's plugin (M(ansible.builtin.assert), a seealso) as a page of this one; such a
# link goes to that plugin's page on the Ansible docsite, found from the FQCN it shows.
perl -pi -e 'BEGIN { $dir = shift @ARGV }
  s{`(([\w\\]+)\.([\w\\]+)\.[^`<]+) <(\w+)\.rst>`__}{
    -e "$dir/$4.rst" ? $& : "`$1 <https://docs.ansible.com/ansible/latest/collections/" . ("$2/$3" =~ tr/\\//dr) . "/$4.html>`__"
  }ge' "${dest}" "${dest}"/*.rst

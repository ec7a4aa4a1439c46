#!/usr/bin/env bash
# Fail when the built collection carries anything that is not part of the collection. An allow list: a file of the
# checkout that galaxy.yml's build_ignore does not keep out fails here until it is either ignored or allowed.
set -euo pipefail
tarball=${1:?usage: check_build.sh TARBALL}
# What the collection is: the files ansible-galaxy writes, the top-level documents, and the content directories.
allowed='^(MANIFEST\.json|FILES\.json|README\.md|LICENSE|CHANGELOG\.md|(changelogs|docs|meta|playbooks|plugins|roles)/.*)$'
members=$(tar -tzf "$tarball" | grep -v '/$')
# Inside the allowed directories, nothing Python, a test run or antsibull-changelog's plugin cache leaves behind.
stray='(^|/)(__pycache__|\.pytest_cache|\.ruff_cache)/|\.pyc$|^changelogs/\.plugin-cache\.yaml$'
bad=$({ grep -Ev "$allowed" <<<"$members"; grep -E "$stray" <<<"$members"; } || true)
if [ -n "$bad" ]; then
  printf 'build: the collection tarball holds files that are not part of the collection (add them to build_ignore in galaxy.yml):\n%s\n' "$bad" >&2
  exit 1
fi
for required in MANIFEST.json FILES.json README.md LICENSE CHANGELOG.md meta/runtime.yml; do
  grep -qxF "$required" <<<"$members" \
    || { printf 'build: the collection tarball lacks %s\n' "$required" >&2; exit 1; }
done
printf 'build: %s holds %s files, all of them the collection'"'"'s\n' "$tarball" "$(wc -l <<<"$members")"

# The installed collection's own playbooks resolve and parse: install the tarball into a scratch path and
# syntax-check every playbook of playbooks/ by its collection name, from there, not from the checkout.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
ANSIBLE_COLLECTIONS_PATH="$scratch" ansible-galaxy collection install --offline --force -p "$scratch" "$tarball" >/dev/null
installed="$scratch/ansible_collections/sessionlab/tomcat_ha"
playbooks=()
for path in "$installed"/playbooks/*.yml; do
  playbooks+=("sessionlab.tomcat_ha.$(basename "$path" .yml)")
done
[ "${#playbooks[@]}" -gt 0 ] || { printf 'build: the installed collection has no playbooks/*.yml\n' >&2; exit 1; }
for playbook in "${playbooks[@]}"; do
  ANSIBLE_COLLECTIONS_PATH="$scratch" ANSIBLE_ROLES_PATH="$scratch" \
    ansible-playbook -i inventories/lab "$playbook" --syntax-check >/dev/null \
    || { printf 'build: the installed collection playbook %s does not parse\n' "$playbook" >&2; exit 1; }
done
printf 'build: the installed collection runs %s (syntax-checked)\n' "${playbooks[*]}"

#!/usr/bin/env bash
# Fail when the built collection carries anything that is not part of the collection.
set -euo pipefail
tarball=${1:?usage: check_build.sh TARBALL}
bad=$(tar -tzf "$tarball" | grep -E '^(tests|molecule|lab|scripts|\.ci|\.config|\.venv|collections|lab-report|build)/|(^|/)Makefile$|^(pytest\.ini|conftest\.py)$|__pycache__' || true)
if [ -n "$bad" ]; then
  printf 'build: the collection tarball holds files that must stay out of it:\n%s\n' "$bad" >&2
  exit 1
fi
printf 'build: %s holds %s files, none of them tests or lab tooling\n' "$tarball" "$(tar -tzf "$tarball" | grep -vc '/$')"

# The installed collection's own playbooks resolve and parse: install the tarball into a scratch path and
# syntax-check sessionlab.tomcat_ha.site, sessionlab.tomcat_ha.verify and sessionlab.tomcat_ha.uninstall from there, not
# from the checkout.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
ANSIBLE_COLLECTIONS_PATH="$scratch" ansible-galaxy collection install --offline --force -p "$scratch" "$tarball" >/dev/null
for playbook in sessionlab.tomcat_ha.site sessionlab.tomcat_ha.verify sessionlab.tomcat_ha.uninstall; do
  ANSIBLE_COLLECTIONS_PATH="$scratch" ANSIBLE_ROLES_PATH="$scratch" \
    ansible-playbook -i inventories/lab "$playbook" --syntax-check >/dev/null \
    || { printf 'build: the installed collection playbook %s does not parse\n' "$playbook" >&2; exit 1; }
done
printf 'build: the installed collection runs sessionlab.tomcat_ha.site, sessionlab.tomcat_ha.verify and sessionlab.tomcat_ha.uninstall (syntax-checked)\n'

# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Roles' preflights on localhost: the versions each Debian release packages.

Every other bad value, and the values the preflights must let through, are rows of the bad-input table
(tests/bad_input/cases.py), which tests/unit/test_bad_input.py runs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from _cli import run

PLAY = """
- name: Preflight only
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Run the role's preflight
      ansible.builtin.include_role:
        name: sessionlab.tomcat_ha.{role}
        tasks_from: preflight
"""


def preflight(repo_root, tmp_path, role, extra):
    """Run ROLE's preflight on localhost with extra vars; return (rc, output)."""
    playbook = tmp_path / "preflight.yml"
    playbook.write_text(PLAY.format(role=role))
    # Modules (the TLS check's stat) run on this Python, whatever interpreter discovery would find.
    interpreter = {"ansible_python_interpreter": sys.executable}
    command = ["ansible-playbook", "-i", "localhost,", "-c", "local", str(playbook), "-e", json.dumps(extra)]
    command += ["-e", json.dumps(interpreter)]
    result = run(repo_root, command)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    return result.returncode, output


# What site.yml passes besides the cluster: the balancers' addresses for the firewall.
FIREWALL = {"tomcat_firewall_http_sources": ["10.0.0.9"]}


def debian_release() -> str:
    """This host's Debian major version, which the preflights below read from its facts."""
    lines = Path("/etc/os-release").read_text().splitlines()
    fields = dict(line.split("=", 1) for line in lines if "=" in line)
    assert fields.get("ID") == "debian", "the unit tests run on Debian 12 or 13"
    return fields["VERSION_ID"].strip('"')


# Per Debian release: what it packages, the default first, and one version it does not package.
RELEASE_VERSIONS = {
    "12": {"jdk": ([17], 21), "tomcat": ([10], 11)},
    "13": {"jdk": ([21, 25], 17), "tomcat": ([11, 10], 12)},
}


@pytest.mark.parametrize("role", ["jdk", "tomcat"])
def test_versions_come_from_the_release(repo_root, tmp_path, role):
    release = debian_release()
    packaged, missing = RELEASE_VERSIONS[release][role]
    extra = FIREWALL if role == "tomcat" else {}
    rc, output = preflight(repo_root, tmp_path, role, extra)
    assert rc == 0, output
    for version in packaged:
        rc, output = preflight(repo_root, tmp_path, role, {**extra, f"{role}_version": version})
        assert rc == 0, output
    rc, output = preflight(repo_root, tmp_path, role, {**extra, f"{role}_version": missing})
    assert rc != 0, output
    name = "OpenJDK" if role == "jdk" else "Tomcat"
    expected = f"{role}: Debian {release} packages no {name} {missing}: set {role}_version to one of "
    assert expected + ", ".join(map(str, packaged)) + " (the first is the default)" in output, output

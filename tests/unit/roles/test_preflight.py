# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Roles' preflights on localhost: bad input stops with one sentence, before any task that changes a host."""

from __future__ import annotations

import json

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
    command = ["ansible-playbook", "-i", "localhost,", "-c", "local", str(playbook), "-e", json.dumps(extra)]
    result = run(repo_root, command)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    return result.returncode, output


@pytest.mark.parametrize("role", ["nginx_balancer", "httpd_balancer"])
@pytest.mark.parametrize(
    ("address", "refused"),
    [("backend1.qyh.com", False), ("[fd00::1]", False), ("fd00::1", True), ("10.0.0.1; include /tmp/x", True)],
)
def test_member_address(repo_root, tmp_path, role, address, refused):
    members = [{"address": address, "port": 8080, "weight": 1, "route": "tomcat1"}]
    rc, output = preflight(repo_root, tmp_path, role, {f"{role}_members": members})
    if refused:
        assert rc != 0, output
        assert "an IPv6 address in brackets, nothing else" in output, output
    else:
        assert rc == 0, output


@pytest.mark.parametrize(
    ("settings", "refused"),
    [
        ({"session_app_context": "ROOT"}, False),
        ({"session_app_context": "lbtest"}, False),
        ({"session_app_context": ".."}, True),
        ({"session_app_context": "."}, True),
        ({"session_app_base": "/data/webapps/../../etc"}, True),
    ],
)
def test_session_app_context_and_base(repo_root, tmp_path, settings, refused):
    rc, output = preflight(repo_root, tmp_path, "session_app", settings)
    if refused:
        assert rc != 0, output
        assert "session_app_context a single directory name such as ROOT" in output, output
    else:
        assert rc == 0, output


CLUSTER = {
    "tomcat_cluster_enabled": True,
    "tomcat_cluster_members": [
        {"host": "localhost", "address": "10.0.0.1", "port": 4000, "unique_id": "{1}", "route": "tomcat1"},
        {"host": "backend2", "address": "10.0.0.2", "port": 4000, "unique_id": "{2}", "route": "tomcat2"},
    ],
}


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({}, None),
        ({"tomcat_cluster_channel_send_options": "use_ack,sync"}, None),
        ({"tomcat_cluster_channel_send_options": "use_ack,snyc"}, "falls back to asynchronous replication"),
        ({"tomcat_cluster_mcast_address": "224.0.0.251"}, "224.0.0.0/24 is reserved for link-local protocols"),
        ({"tomcat_cluster_mcast_address": "255.255.255.255"}, "is not a usable multicast group"),
        ({"tomcat_cluster_mcast_drop_time": 500}, "or members are dropped between two heartbeats"),
        ({"tomcat_cluster_mcast_frequency": 0}, "or members are dropped between two heartbeats"),
    ],
)
def test_tomcat_cluster_settings(repo_root, tmp_path, settings, message):
    rc, output = preflight(repo_root, tmp_path, "tomcat", {**CLUSTER, **settings})
    if message:
        assert rc != 0, output
        assert message in output, output
    else:
        assert rc == 0, output

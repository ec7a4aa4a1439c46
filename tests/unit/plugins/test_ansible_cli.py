# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run the plugins through the real ansible CLIs, from the repo root so that its ansible.cfg applies."""

from __future__ import annotations

import json

import pytest
from _cli import adhoc, oneline_json, run

FILTERS = [
    "jvm_routes",
    "session_id_base",
    "session_route",
    "balancer_members",
    "cluster_members",
    "nginx_ip_hash",
    "nginx_hash",
    "session_verdict",
]


@pytest.mark.parametrize("name", FILTERS)
def test_ansible_doc_filter(repo_root, name):
    result = run(repo_root, ["ansible-doc", "-t", "filter", "--json", f"sessionlab.tomcat_ha.{name}"])
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)[f"sessionlab.tomcat_ha.{name}"]
    assert doc["doc"]["name"] == name
    assert doc["examples"]
    assert doc["return"]
    assert "ERROR" not in result.stderr and "WARNING" not in result.stderr, result.stderr


def test_ansible_doc_module(repo_root):
    result = run(repo_root, ["ansible-doc", "-t", "module", "sessionlab.tomcat_ha.session_probe"])
    assert result.returncode == 0, result.stderr
    assert "counter_continued" in result.stdout
    assert "WARNING" not in result.stderr and "ERROR" not in result.stderr, result.stderr


def _adhoc(repo_root, args):
    """ansible localhost -m session_probe -o; returns (rc, module result)."""
    rc, result, _output = adhoc(repo_root, "sessionlab.tomcat_ha.session_probe", args)
    return rc, result


def test_module_through_ansible(repo_root, page_server):
    rc, result = _adhoc(repo_root, {"url": page_server.base_url + "/session.jsp", "count": 3})
    assert rc == 0, result
    assert result["changed"] is False
    assert [s["count"] for s in result["samples"]] == [1, 2, 3]
    assert result["summary"]["counter_continued"] is True
    assert result["summary"]["routes"] == ["tomcat1"]
    assert result["cookies"]["JSESSIONID"].endswith(".tomcat1")


def test_module_fails_on_bad_parameter(repo_root, page_server):
    rc, result = _adhoc(repo_root, {"url": page_server.base_url + "/index.jsp", "count": 0})
    assert rc != 0
    assert result["msg"] == "count must be between 1 and 10000, got 0."


def test_module_fails_when_all_failed_only_if_asked(repo_root, page_server):
    page_server.fail_next = 100
    rc, result = _adhoc(repo_root, {"url": page_server.base_url + "/index.jsp", "count": 2})
    assert rc == 0
    assert result["summary"]["failed"] == 2
    rc, result = _adhoc(repo_root, {"url": page_server.base_url + "/index.jsp", "count": 2, "fail_on_all_errors": True})
    assert rc != 0
    assert result["msg"] == f"All 2 requests to {page_server.base_url}/index.jsp failed: HTTP 503."
    assert len(result["samples"]) == 2


def _debug(repo_root, expr):
    """Render expr on localhost with the debug module, one line of JSON out."""
    args = ["localhost", "-i", "localhost,", "-c", "local", "-m", "ansible.builtin.debug", "-a", f"msg={expr}", "-o"]
    return run(repo_root, ["ansible", *args])


def test_filters_in_a_template(repo_root):
    expr = (
        "{{ {'ids': ['ABC.tomcat1' | sessionlab.tomcat_ha.session_id_base,"
        " 'ABC.tomcat1' | sessionlab.tomcat_ha.session_route],"
        " 'routes': ['a', 'b'] | sessionlab.tomcat_ha.jvm_routes(hostvars),"
        " 'hash': ('1.2.3.4' | sessionlab.tomcat_ha.nginx_ip_hash(['x', 'y'])).server} }}"
    )
    result = _debug(repo_root, expr)
    assert result.returncode == 0, result.stdout + result.stderr
    assert oneline_json(result.stdout)["msg"] == {
        "ids": ["ABC", "tomcat1"],
        "routes": {"a": "tomcat1", "b": "tomcat2"},
        "hash": "y",
    }


def test_filter_error_reaches_the_user(repo_root):
    expr = "{{ ['a', 'a'] | sessionlab.tomcat_ha.jvm_routes }}"
    result = _debug(repo_root, expr)
    assert result.returncode != 0
    assert "jvm_routes: duplicate backend hostname 'a'" in result.stdout + result.stderr

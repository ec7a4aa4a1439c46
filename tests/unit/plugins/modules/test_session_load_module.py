# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The session_load module through the real ansible CLIs, against a page server on 127.0.0.1."""

from __future__ import annotations

import json
import sys

import pytest
from _cli import adhoc, run

MODULE = "sessionlab.tomcat_ha.session_load"


def _adhoc(repo_root, args, *options):
    """ansible localhost -m session_load -o; returns (rc, module result, raw output)."""
    return adhoc(repo_root, MODULE, args, *options)


def test_ansible_doc(repo_root):
    result = run(repo_root, ["ansible-doc", "-t", "module", "--json", MODULE])
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)[MODULE]
    assert doc["doc"]["module"] == "session_load"
    assert "async_status" in doc["examples"] and MODULE in doc["examples"]
    returned = {"started_at", "duration", "users", "rate", "missed_slots", "history", "summary", "stop"}
    assert set(doc["return"]) == returned
    assert "WARNING" not in result.stderr and "ERROR" not in result.stderr, result.stderr


def test_module_runs_in_check_mode(repo_root, page_server):
    args = {"url": page_server.base_url + "/session.jsp", "users": 2, "rate": 10, "duration": 1, "timeout": 5}
    rc, result, output = _adhoc(repo_root, args, "--check")
    assert rc == 0, output
    assert result["changed"] is False
    assert (result["users"], result["rate"], result["duration"]) == (2, 10.0, 1.0)
    summary = result["summary"]
    assert summary["requests"] == summary["ok"] == len(result["history"]) == page_server.requests == 10
    assert summary["sessions_lost"] + summary["updates_lost"] + summary["unacked_applied"] == 0
    assert summary["failed_by_class"] == {"refused": 0, "reset": 0, "timeout": 0, "http_5xx": 0, "other": 0}
    assert result["missed_slots"] == [0, 0]
    # async_status reads a result with "started" (or without "finished") as a job still running.
    assert "started" not in result and "finished" not in result


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"users": 0}, "users must be a whole number from 1 to 500, got 0."),
        ({"rate": "nan"}, "rate must be a finite number of requests per second above 0 and at most 2000, got nan."),
        (
            {"url": "http://[::1/x"},
            "url 'http://[::1/x' cannot be parsed (Invalid IPv6 URL): give an absolute http:// or https:// URL.",
        ),
    ],
)
def test_module_fails_on_bad_input_with_one_sentence(repo_root, page_server, args, message):
    rc, result, output = _adhoc(repo_root, {"url": page_server.base_url + "/session.jsp", **args})
    assert rc != 0
    assert result["msg"] == message
    assert "Traceback" not in output
    assert page_server.requests == 0


def test_async_pattern_in_a_playbook(repo_root, page_server, tmp_path):
    """The documented pattern: start with async + poll 0, do something, collect with async_status."""
    result_file = tmp_path / "load.json"
    playbook = tmp_path / "load.yml"
    args = {"url": page_server.base_url + "/session.jsp", "users": 2, "rate": 10, "duration": 1.5, "timeout": 5}
    playbook.write_text(
        json.dumps(
            [
                {
                    "hosts": "localhost",
                    "gather_facts": False,
                    "tasks": [
                        {"name": "Start", MODULE: args, "async": 30, "poll": 0, "register": "job"},
                        {"name": "Meanwhile", "ansible.builtin.pause": {"seconds": 1}},
                        {
                            "name": "Collect",
                            "ansible.builtin.async_status": {"jid": "{{ job.ansible_job_id }}"},
                            "register": "load",
                            "until": "load.finished",
                            "retries": 20,
                            "delay": 1,
                        },
                        {
                            "name": "Save",
                            "ansible.builtin.copy": {"content": "{{ load | to_json }}", "dest": str(result_file)},
                        },
                    ],
                }
            ]
        )
    )
    result = run(
        repo_root,
        [
            "ansible-playbook",
            "-i",
            "localhost,",
            "-c",
            "local",
            "-e",
            f"ansible_python_interpreter={sys.executable}",
            str(playbook),
        ],
        extra_env={"ANSIBLE_ASYNC_DIR": str(tmp_path / "async")},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    load = json.loads(result_file.read_text())
    assert load["finished"] and load["changed"] is False
    assert load["started_at"] > 0 and load["users"] == 2
    assert load["summary"]["requests"] == load["summary"]["ok"] == 15
    assert load["summary"]["sessions_lost"] == 0

# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The checks action in a real ansible-playbook run: in order, lazily, the first failed check's sentence."""

from __future__ import annotations

import json

from _cli import run

PLAY = """
- name: Checks
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Check
      sessionlab.tomcat_ha.checks:
        checks: {checks}
    - name: After the checks
      ansible.builtin.debug:
        msg: reached the next task
"""


def play(repo_root, tmp_path, checks, extra=None):
    """Run the play with CHECKS (a YAML flow value) and extra vars; return (rc, output with whitespace folded)."""
    playbook = tmp_path / "checks.yml"
    playbook.write_text(PLAY.format(checks=checks))
    command = ["ansible-playbook", "-i", "localhost,", "-c", "local", str(playbook), "-e", json.dumps(extra or {})]
    result = run(repo_root, command)
    output = " ".join((result.stdout + result.stderr).split())
    assert "Traceback" not in output, output
    return result.returncode, output


CHECKS = (
    "[{that: 'port | int > 0', msg: 'port must be above 0 (got {{ port }})'},"
    " {when: 'cluster | bool', that: ['peers | length >= 2'],"
    " msg: 'a cluster needs two peers (got {{ peers | length }})'},"
    " {that: 'peers | length < 9', msg: 'at most eight peers'}]"
)


def test_all_pass(repo_root, tmp_path):
    rc, output = play(repo_root, tmp_path, CHECKS, {"port": 80, "cluster": True, "peers": [1, 2]})
    assert rc == 0, output
    assert "reached the next task" in output


def test_first_failed_check_stops_with_its_sentence(repo_root, tmp_path):
    rc, output = play(repo_root, tmp_path, CHECKS, {"port": 80, "cluster": True, "peers": [1]})
    assert rc != 0, output
    assert "a cluster needs two peers (got 1)" in output
    assert "reached the next task" not in output


def test_when_skips_a_check(repo_root, tmp_path):
    rc, output = play(repo_root, tmp_path, CHECKS, {"port": 80, "cluster": False, "peers": [1]})
    assert rc == 0, output


def test_later_checks_and_messages_are_read_only_when_needed(repo_root, tmp_path):
    # port fails first: the second check's condition and every other message would fail to render (peers is unset).
    rc, output = play(repo_root, tmp_path, CHECKS, {"port": 0, "cluster": True})
    assert rc != 0, output
    assert "port must be above 0 (got 0)" in output
    assert "undefined" not in output


def test_a_check_without_msg_is_refused(repo_root, tmp_path):
    rc, output = play(repo_root, tmp_path, "[{that: true}]")
    assert rc != 0, output
    assert "check 1 must be a mapping of that (a condition or a list of them), msg and, optionally, when." in output


def test_no_checks_refused(repo_root, tmp_path):
    rc, output = play(repo_root, tmp_path, "[]")
    assert rc != 0, output
    assert "checks must be a non-empty list of checks, each with that and msg." in output

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


ROLE_SPEC = """---
argument_specs:
  main:
    short_description: A role with typed settings.
    options:
      demo_enabled: {type: bool, default: true, description: On.}
      demo_port: {type: int, default: 80, description: A port.}
      demo_from: {type: bool, description: Defaults to demo_switch.}
      demo_key: {type: str, default: '', no_log: true, description: A secret.}
"""
ROLE_TASKS = """---
- name: Check
  sessionlab.tomcat_ha.checks:
    spec: main
    checks:
      - that: demo_port | int > 0
        msg: demo_port must be above 0
- name: After the checks
  ansible.builtin.debug:
    msg: reached the next task
"""


def role_play(repo_root, tmp_path, extra):
    """A role of its own (roles/demo in tmp_path) whose one task checks its argument spec strictly."""
    role = tmp_path / "roles" / "demo"
    (role / "meta").mkdir(parents=True)
    (role / "tasks").mkdir()
    (role / "defaults").mkdir()
    (role / "meta" / "argument_specs.yml").write_text(ROLE_SPEC)
    (role / "tasks" / "main.yml").write_text(ROLE_TASKS)
    (role / "defaults" / "main.yml").write_text('---\ndemo_from: "{{ demo_switch | default(true) }}"\n')
    playbook = tmp_path / "play.yml"
    playbook.write_text(f"- hosts: localhost\n  gather_facts: false\n  roles: [{role}]\n")
    command = ["ansible-playbook", "-i", "localhost,", "-c", "local", str(playbook), "-e", json.dumps(extra)]
    result = run(repo_root, command)
    output = " ".join((result.stdout + result.stderr).split())
    assert "Traceback" not in output, output
    return result.returncode, output


def test_spec_takes_what_every_reader_reads_alike(repo_root, tmp_path):
    rc, output = role_play(repo_root, tmp_path, {"demo_enabled": "yes", "demo_port": "8080", "demo_key": "s3cret"})
    assert rc == 0, output
    assert "reached the next task" in output


def test_spec_refuses_a_boolean_the_bool_filter_would_read_as_false(repo_root, tmp_path):
    rc, output = role_play(repo_root, tmp_path, {"demo_enabled": "y"})
    assert rc != 0, output
    assert (
        'demo: demo_enabled must be true or false (got "y", which the argument spec reads as true but Ansible\'s bool '
        "filter as false): write true or false."
    ) in output
    assert "reached the next task" not in output


def test_spec_refuses_digits_a_template_would_write_with_their_newline(repo_root, tmp_path):
    rc, output = role_play(repo_root, tmp_path, {"demo_port": "80\n"})
    assert rc != 0, output
    assert 'demo: demo_port must be a whole number (got "80\\n"): write it as digits alone.' in output


def test_spec_names_the_variable_a_default_takes_the_value_from(repo_root, tmp_path):
    rc, output = role_play(repo_root, tmp_path, {"demo_switch": "t"})
    assert rc != 0, output
    assert 'demo: demo_from, from demo_switch, must be true or false (got "t"' in output


def test_spec_never_shows_a_secret(repo_root, tmp_path):
    rc, output = role_play(repo_root, tmp_path, {"demo_key": ["s3cret"]})
    assert rc != 0, output
    assert "demo_key must be a string (got a value that is not shown: it is secret)" in output
    assert "s3cret" not in output


def test_spec_outside_a_role_is_refused(repo_root, tmp_path):
    playbook = tmp_path / "spec.yml"
    playbook.write_text(PLAY.replace("checks: {checks}", "spec: main").format())
    result = run(repo_root, ["ansible-playbook", "-i", "localhost,", "-c", "local", str(playbook)])
    assert result.returncode != 0
    assert "checks: spec reads the argument spec of the task's role; this task is in no role." in " ".join(
        (result.stdout + result.stderr).split()
    )

# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The cluster key never leaves a backend through the run's output: no task reads server.xml out, none diffs it."""

from __future__ import annotations

from pathlib import Path

import yaml

TASKS = Path(__file__).resolve().parents[3] / "roles" / "tomcat" / "tasks"
# Modules whose result or diff would carry a file's content.
READERS = {"ansible.builtin.slurp", "ansible.builtin.fetch", "ansible.builtin.lineinfile", "ansible.builtin.replace"}
WRITERS = {"ansible.builtin.template", "ansible.builtin.copy"}


def _tasks(data):
    for task in data or []:
        yield task
        for key in ("block", "rescue", "always"):
            yield from _tasks(task.get(key))


def _server_xml_tasks():
    for path in sorted(TASKS.glob("*.yml")):
        for task in _tasks(yaml.safe_load(path.read_text())):
            module = next((key for key in task if key.startswith("ansible.builtin.")), None)
            if module and "server.xml" in yaml.safe_dump(task[module]):
                yield path.name, task.get("name"), module, task


def test_no_task_reads_server_xml_into_the_output():
    found = [(path, name) for path, name, module, _task in _server_xml_tasks() if module in READERS]
    assert not found, f"these tasks return server.xml's content, and its cluster key, to -v: {found}"


def test_no_task_diffs_server_xml():
    found = [
        (path, name)
        for path, name, module, task in _server_xml_tasks()
        if module in WRITERS and task.get("diff") is not False
    ]
    assert not found, f"--diff would show the cluster key: set diff: false on {found}"

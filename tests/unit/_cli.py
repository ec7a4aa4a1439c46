# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run the real ansible CLIs from the checkout, so that its ansible.cfg resolves the collection."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def run(repo_root, args, extra_env=None, timeout=120):
    """Run a command from the venv's bin directory (args[0] is its name) in the checkout."""
    env = dict(
        os.environ,
        ANSIBLE_CONFIG=str(repo_root / "ansible.cfg"),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_DEPRECATION_WARNINGS="0",
    )
    env.update(extra_env or {})
    command = [str(BIN / args[0]), *args[1:]]
    return subprocess.run(command, cwd=repo_root, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def oneline_json(stdout):
    """The oneline callback prints 'host | STATUS => {json without newlines}'."""
    line = next(line for line in stdout.splitlines() if line.startswith("localhost | "))
    return json.loads(line.split(" => ", 1)[1])


def adhoc(repo_root, module, args, *options):
    """ansible localhost -m MODULE -a ARGS -o on this Python; returns (rc, module result, whole output)."""
    result = run(
        repo_root,
        [
            "ansible",
            "localhost",
            "-i",
            "localhost,",
            "-c",
            "local",
            "-e",
            f"ansible_python_interpreter={sys.executable}",
            "-m",
            module,
            "-a",
            json.dumps(args),
            "-o",
            *options,
        ],
    )
    try:
        return result.returncode, oneline_json(result.stdout), result.stdout + result.stderr
    except (StopIteration, IndexError, ValueError) as exc:
        raise AssertionError(f"no JSON result\nstdout: {result.stdout}\nstderr: {result.stderr}") from exc

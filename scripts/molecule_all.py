# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run Molecule scenarios (make molecule) in lanes side by side, each lane a lab of its own.

Usage: .venv/bin/python scripts/molecule_all.py [--lanes N] SCENARIO...

Each lane takes the next scenario of the list when its last one is done, so the list's order is the order they
start in (the Makefile's SCENARIOS lists the longest first). A lane runs its scenarios on a lab of its own
(SESSIONLAB_LAB, then the same name numbered from 2: its own containers, network, package cache and keys) and with
an Ansible home of its own (.cache/molecule/<lab>), where Molecule installs the collection before each scenario,
so two lanes never write the same copy at once.

Each scenario's whole output goes to build/logs/molecule-<scenario>.log; the terminal gets one line when a
scenario starts and one when it ends. When one fails, no lane starts another, the running ones finish, and what
failed in each failed scenario is printed at the very end. Exit status: 0 when every scenario passed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lab.runner import lab_names, say  # noqa: E402

LOGS = ROOT / "build" / "logs"
# What a failed scenario's log shows of its failure: failed tasks, pytest's errors and failed tests.
FAILED = re.compile(r"(fatal|failed): \[|^[^A-Za-z]*E  |FAILED [^ ]+::")
CRITICAL = re.compile(r"^(CRITICAL|ERROR) ")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def failure_extract(log: Path) -> str:
    """The failed tasks and tests of a scenario's log (ten lines after each, the last 60 lines of those), then its
    last Molecule errors."""
    lines = ANSI.sub("", log.read_text(errors="replace")).splitlines()
    picked: list[str] = []
    until = -1
    for i, line in enumerate(lines):
        if FAILED.search(line):
            until = i + 10
        if i <= until:
            picked.append(line)
    errors = [line for line in lines if CRITICAL.search(line)]
    return "\n".join(picked[-60:] + errors[-5:])


class Queue:
    """The scenarios not started yet; empty for good once one has failed."""

    def __init__(self, scenarios: list[str]):
        self.left = list(scenarios)
        self.lock = threading.Lock()

    def take(self) -> str | None:
        with self.lock:
            return self.left.pop(0) if self.left else None

    def stop(self) -> None:
        with self.lock:
            self.left.clear()


def lane(lab: str, queue: Queue, results: dict, started_all: float) -> None:
    env = dict(
        os.environ,
        SESSIONLAB_LAB=lab,
        ANSIBLE_HOME=str(ROOT / ".cache" / "molecule" / lab),
        PYTHONUNBUFFERED="1",
    )
    while (scenario := queue.take()) is not None:
        log = LOGS / f"molecule-{scenario}.log"
        say(f"== molecule test -s {scenario} (lab {lab}, at {time.monotonic() - started_all:.0f} s)")
        started = time.monotonic()
        with log.open("w") as fh:
            status = subprocess.run(
                ["molecule", "test", "-s", scenario],
                cwd=ROOT,
                env=env,
                stdout=fh,
                stderr=subprocess.STDOUT,
                check=False,
            ).returncode
        took = time.monotonic() - started
        results[scenario] = (status, took, lab)
        if status == 0:
            say(f"== molecule test -s {scenario} passed in {took:.0f} s")
        else:
            say(
                f"== molecule test -s {scenario} failed in {took:.0f} s (whole output: {log.relative_to(ROOT)});"
                " no new scenario starts"
            )
            queue.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lanes", type=int, default=int(os.environ.get("MOLECULE_LANES", "2")))
    parser.add_argument("scenarios", nargs="+")
    opts = parser.parse_args()
    if opts.lanes < 1:
        return f"molecule: --lanes (MOLECULE_LANES) is {opts.lanes}: give 1 or more lanes"
    LOGS.mkdir(parents=True, exist_ok=True)
    queue = Queue(opts.scenarios)
    results: dict[str, tuple[int, float, str]] = {}
    started = time.monotonic()
    lanes = [
        threading.Thread(target=lane, args=(lab, queue, results, started))
        for lab in lab_names(min(opts.lanes, len(opts.scenarios)))
    ]
    for thread in lanes:
        thread.start()
    for thread in lanes:
        thread.join()
    wall = time.monotonic() - started
    failed = [name for name, (status, _took, _lab) in results.items() if status != 0]
    for name in failed:
        log = LOGS / f"molecule-{name}.log"
        say(f"\n== molecule test -s {name} failed; the failed tasks and tests (whole output: {log.relative_to(ROOT)}):")
        say(failure_extract(log))
    not_run = [name for name in opts.scenarios if name not in results]
    # For make bench (scripts/bench_targets.py): each scenario's time, and the lanes' wall time.
    (LOGS / "molecule-times.json").write_text(
        json.dumps(
            {
                "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
                "lanes": len(lanes),
                "wall_s": round(wall, 1),
                "scenarios": {
                    name: {"seconds": round(took, 1), "status": status, "lab": lab}
                    for name, (status, took, lab) in results.items()
                },
            },
            indent=1,
        )
        + "\n"
    )
    if failed:
        say(f"== molecule: {len(failed)} of {len(results)} scenario(s) failed: {' '.join(failed)}")
        if not_run:
            say(f"== molecule: not run after the failure: {' '.join(not_run)}")
        return 1
    total = sum(took for _status, took, _lab in results.values())
    say(
        f"== molecule: {len(results)} scenario(s) passed in {wall:.0f} s on {len(lanes)} lane(s)"
        f" ({total:.0f} s of scenarios, {total / wall:.2f}x; strategy {os.environ.get('ANSIBLE_STRATEGY') or 'linear'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

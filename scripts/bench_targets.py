# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: the last make lab, make faults and make molecule, each against its floor.

Usage: .venv/bin/python scripts/bench_targets.py [--report-dir lab-report]

Reads what the targets left (nothing is run): lab-report/report.json and faults.json with each run's result in
lab-report/results/, and build/logs/molecule-times.json. Prints, for each target found:
- make lab and make faults: the target's time; its floor, the load windows (each run's load, from its start to its
  end, as its result records it); the ratio; then per run: the provision, verify.yml, its load window and verify.yml's
  overhead beyond the window (the restore before the load, the probes, the judging, Ansible's own cost);
- make molecule: each scenario's time and the lanes' wall time; the ratio of the scenarios' sum to the wall time is
  what the lanes bought.
A target with no complete record is named, with the command that makes one. Figures, not pass or fail.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.doc_blocks import stages  # noqa: E402

MOLECULE_TIMES = ROOT / "build" / "logs" / "molecule-times.json"


def lab_target(report_dir: Path, kind: str, command: str) -> list[str]:
    """The lines for one lab target's last run (kind: report for make lab, faults for make faults)."""
    report = report_dir / f"{kind}.json"
    if not report.exists():
        return [f"{command}: no record in {report}: run {command} first"]
    data = json.loads(report.read_text())
    timings = data.get("timings") or {}
    rows = []
    for row in data.get("rows", []):
        name = row["experiment"]
        result_file = report_dir / "results" / f"{name}.json"
        timing = json.loads(result_file.read_text()).get("timing", {}) if result_file.exists() else {}
        window = float(timing.get("load_duration") or 0)
        verify = timings.get(f"{name} verify")
        rows.append((name, timings.get(f"{name} provision"), verify, window))
    total = timings.get("total")
    windows = sum(window for *_rest, window in rows)
    lines = [f"{command}: {len(rows)} runs, {data.get('title', '')}"]
    if not total or not windows:
        return [*lines, f"  no timings or load windows recorded: run {command} again"]
    (_count, provisions), (_count, verifies) = stages(timings, "provision"), stages(timings, "verify")
    overheads = [v - w for _n, _p, v, w in rows if v and w]
    lines += [
        f"  time {total:7.0f} s   floor (the load windows) {windows:6.0f} s   ratio {total / windows:5.2f}",
        f"  provisions {provisions:.0f} s, verifications {verifies:.0f} s;"
        f" verify.yml beyond its window: median {statistics.median(overheads):.1f} s,"
        f" max {max(overheads):.1f} s per run",
        f"  {'run':<40} {'provision':>9} {'verify':>7} {'window':>7} {'beyond':>7}",
    ]
    for name, provision, verify, window in rows:
        # A run after the first of its setup has no provision of its own.
        provided = f"{provision:9.1f}" if provision else f"{'-':>9}"
        beyond = f"{verify - window:7.1f}" if verify and window else f"{'-':>7}"
        lines.append(f"  {name:<40} {provided} {verify or 0:7.1f} {window:7.1f} {beyond}")
    return lines


def molecule_target() -> list[str]:
    if not MOLECULE_TIMES.exists():
        return [f"make molecule: no record in {MOLECULE_TIMES.relative_to(ROOT)}: run make molecule first"]
    data = json.loads(MOLECULE_TIMES.read_text())
    scenarios = data["scenarios"]
    total = sum(s["seconds"] for s in scenarios.values())
    lines = [
        f"make molecule: {len(scenarios)} scenarios on {data['lanes']} lane(s), {data['date']}",
        f"  time {data['wall_s']:7.0f} s   scenarios' sum {total:6.0f} s   ratio {total / data['wall_s']:5.2f}",
    ]
    for name, s in sorted(scenarios.items(), key=lambda item: -item[1]["seconds"]):
        lines.append(
            f"  {name:<24} {s['seconds']:7.0f} s  {'passed' if s['status'] == 0 else 'FAILED'}  lab {s['lab']}"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report-dir", default=str(ROOT / "lab-report"))
    opts = parser.parse_args()
    report_dir = Path(opts.report_dir)
    for lines in (
        lab_target(report_dir, "report", "make lab"),
        lab_target(report_dir, "faults", "make faults"),
        molecule_target(),
    ):
        print("\n".join(lines), end="\n\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

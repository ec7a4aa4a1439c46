# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""scripts/bench_targets.py: the arithmetic of a target against its floor, from a report the lab runner writes."""

from __future__ import annotations

import json

from scripts import bench_targets


def write_run(report_dir, rows, timings, kind="report"):
    (report_dir / "results").mkdir(parents=True)
    (report_dir / f"{kind}.json").write_text(
        json.dumps({"title": "a lab", "rows": [{"experiment": name} for name, _window in rows], "timings": timings})
    )
    for name, window in rows:
        (report_dir / "results" / f"{name}.json").write_text(json.dumps({"timing": {"load_duration": window}}))


def test_a_lab_target_against_its_load_windows(tmp_path):
    write_run(
        tmp_path,
        [("1-a", 20.0), ("2-b", 30.0)],
        {"1-a provision": 10.0, "1-a verify": 32.0, "2-b verify": 45.0, "total": 100.0},
    )
    lines = bench_targets.lab_target(tmp_path, "report", "make lab")
    # 100 s against 50 s of load windows; verify.yml 12 s and 15 s beyond its window.
    assert "time     100 s   floor (the load windows)     50 s   ratio  2.00" in lines[1]
    assert "provisions 10 s, verifications 77 s" in lines[2]
    assert "median 13.5 s, max 15.0 s per run" in lines[2]
    assert lines[4].split() == ["1-a", "10.0", "32.0", "20.0", "12.0"]
    # A run of a unit after its first has no provision of its own.
    assert lines[5].split() == ["2-b", "-", "45.0", "30.0", "15.0"]


def test_a_missing_record_names_the_command(tmp_path):
    assert bench_targets.lab_target(tmp_path, "faults", "make faults") == [
        f"make faults: no record in {tmp_path / 'faults.json'}: run make faults first"
    ]


def test_a_record_without_windows_is_not_divided(tmp_path):
    write_run(tmp_path, [("1-a", 0)], {"1-a verify": 30.0, "total": 40.0})
    assert bench_targets.lab_target(tmp_path, "report", "make lab")[-1].endswith("run make lab again")


def test_the_lanes_against_the_scenarios_sum(tmp_path, monkeypatch):
    times = tmp_path / "molecule-times.json"
    times.write_text(
        json.dumps(
            {
                "date": "2026-12-07 23:00 UTC",
                "lanes": 2,
                "wall_s": 100.0,
                "scenarios": {
                    "short": {"seconds": 40.0, "status": 0, "lab": "sessionlab2"},
                    "long": {"seconds": 110.0, "status": 1, "lab": "sessionlab"},
                },
            }
        )
    )
    monkeypatch.setattr(bench_targets, "MOLECULE_TIMES", times)
    lines = bench_targets.molecule_target()
    assert "time     100 s   scenarios' sum    150 s   ratio  1.50" in lines[1]
    # The longest first, a failed one named.
    assert lines[2].split() == ["long", "110", "s", "FAILED", "lab", "sessionlab"]
    assert lines[3].split() == ["short", "40", "s", "passed", "lab", "sessionlab2"]

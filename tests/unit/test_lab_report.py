"""The lab report's table and timeline rendering (pure functions of the results)."""

from __future__ import annotations

import sys
from pathlib import Path
from xml.dom import minidom

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import lab_report  # noqa: E402


def sample(t, server, base, count, error=None):
    route = "tomcat1" if server == "b1" else "tomcat2"
    return {
        "started": t,
        "server": server,
        "session_base": base,
        "session_id": f"{base}.{route}",
        "count": count,
        "error": error,
    }


def result(matched=True):
    before = [sample(0.0, "b1", "A", 1), sample(0.1, "b2", "A", 2), sample(0.2, "b1", "A", 3)]
    after = [sample(1.0, "b2", "B", 1, None), {"started": 1.1, "error": "HTTP 502"}, sample(1.2, "b2", "B", 2)]
    summary = {"requests": 3, "distinct_sessions": 1, "distinct_backends": 2, "counter_continued": True, "failed": 0}
    return {
        "experiment": "x-test",
        "balancer": "nginx",
        "strategy": "cluster",
        "description": "test",
        "fault": "stop",
        "faulted_backend": "b1",
        "fault_started": 0.5,
        "before": {"samples": before, "summary": summary},
        "after": {"samples": after, "summary": {**summary, "failed": 1, "counter_continued": False}},
        "expected": {"stable_before": True, "kept_after": True},
        "observed": {"stable_before": True, "kept_after": False},
        "matched": matched,
    }


def test_row_and_table():
    row = lab_report.row(result(matched=False))
    assert row["before_sessions"] == 1 and row["after_failed"] == 1 and row["kept_after"] is False
    table = lab_report.text_table([row])
    lines = table.splitlines()
    assert lines[0].startswith("experiment") and set(lines[1]) <= {"-", " "}
    assert lines[2].split()[0] == "x-test" and lines[2].rstrip().endswith("NO")


def test_expectation_not_judged_shows_either():
    unjudged = result(matched=True)
    unjudged["expected"] = {"stable_before": None, "kept_after": False}
    row = lab_report.row(unjudged)
    assert row["expected"] == "either"
    cells = lab_report.cells(row)
    assert cells[-2:] == ["either, no", "yes"]


def test_error_row_names_the_stage():
    row = lab_report.row({"experiment": "y", "balancer": "httpd", "strategy": "sticky", "error": "provision failed"})
    assert "provision failed" in lab_report.text_table([row])


def test_timeline_points_rings_and_failures():
    svg = lab_report.timeline_svg(result())
    doc = minidom.parseString(svg)
    circles = doc.getElementsByTagName("circle")
    points = [c for c in circles if c.getAttribute("r") == "5"]
    rings = [c for c in circles if c.getAttribute("r") == "9"]
    assert len(points) == 5  # every successful request
    assert len(rings) == 1  # the one session change (A -> B)
    assert [t.firstChild.data for t in doc.getElementsByTagName("text")].count("x") == 1  # the failed request
    # two sessions, two colours
    assert len({p.getAttribute("fill") for p in points}) == 2


def test_colours_stay_distinct_beyond_a_small_palette():
    assert len({lab_report.session_colour(i) for i in range(20)}) == 20

"""The lab report: rows copy the verdict, tables and the matrix show it, timelines draw every request."""

from __future__ import annotations

from xml.dom import minidom

from lab import report


def record(user, seq, start, outcome="ok", server="b1", count=None, latency=5.0):
    return {
        "user": user,
        "seq": seq,
        "start": start,
        "latency_ms": latency,
        "outcome": outcome,
        "status": 200 if outcome == "ok" else None,
        "session": f"S{user}" if outcome == "ok" else None,
        "route": "tomcat1",
        "server": server if outcome == "ok" else None,
        "count": count if outcome == "ok" else None,
        "new_session": seq == 0,
        "error": None if outcome == "ok" else outcome,
    }


def result(matched=True, fault="kill", strategy="cluster"):
    history = [
        record(0, 0, 0.0, count=1),
        record(1, 0, 0.5, count=1, server="b2"),
        record(0, 1, 1.0, outcome="reset"),
        record(1, 1, 1.5, count=2, server="b2", latency=3200.0),
        record(0, 2, 2.0, count=1, server="b2"),
    ]
    observed = {
        "stable_before": True,
        "kept_after": matched,
        "failed_requests": 1,
        "sessions_lost": 0 if matched else 1,
        "updates_lost": 0,
        "unacked_applied": 0,
        "longest_stall_s": 3.2,
        "p99_ms": 3200.0,
        "restore_under_load": True,
    }
    summary = {"requests": 5, "distinct_sessions": 1, "distinct_backends": 2}
    return {
        "experiment": f"nginx-{strategy}-{fault}",
        "balancer": "nginx",
        "strategy": strategy,
        "description": "a cluster",
        "fault": fault,
        "faulted_backend": "b1",
        "timing": {"load_started": 1000.0, "load_duration": 4.0, "fault_started": 1000.9, "restored": 1002.5},
        "before": {"summary": summary},
        "after": {"summary": summary},
        "load": {
            "users": 2,
            "rate": 1.0,
            "summary": {
                "requests": 5,
                "examples": [{"user": 0, "seq": 2, "start": 2.0, "kind": "sessions_lost"}] if not matched else [],
            },
            "history": history,
        },
        "verdict": {
            "matched": matched,
            "observed": observed,
            "expected": {"promise": "no session lost", "probe": {}, "load": {}},
            "text": "as expected: kept_after" if matched else "sessions_lost expected at most 0, observed 1",
            "checks": [],
            "failures": [] if matched else ["sessions_lost"],
        },
    }


def test_row_copies_the_verdict():
    row = report.row(result(matched=False))
    assert row["matched"] is False
    assert row["verdict"] == "sessions_lost expected at most 0, observed 1"
    assert (row["failed_requests"], row["sessions_lost"], row["longest_stall_s"]) == (1, 1, 3.2)
    assert row["promise"] == "no session lost"


def test_text_table_says_why_a_row_missed():
    table = report.text_table([report.row(result()), report.row(result(matched=False, fault="stop"))])
    lines = table.splitlines()
    assert lines[0].startswith("experiment")
    assert lines[2].split()[-1] == "yes" and lines[3].split()[-1] == "NO"
    assert lines[-1] == "nginx-cluster-stop: sessions_lost expected at most 0, observed 1"


def test_a_failed_stage_is_a_row_with_its_reason():
    row = report.row({"experiment": "y", "balancer": "httpd", "strategy": "sticky", "fault": "kill", "error": "boom"})
    assert row["matched"] is False
    assert "y: boom" in report.text_table([row])


def test_matrix_puts_setups_down_and_faults_across():
    rows = [report.row(result(fault="kill")), report.row(result(matched=False, fault="stop"))]
    table = report.matrix_markdown(rows).splitlines()
    assert table[0] == "| setup | kill | stop |"
    assert table[2].startswith("| nginx cluster | ok 1/0/0 · 3.2 s | **MISS** 1/1/0 · 3.2 s")


def test_timeline_draws_every_request_and_marks_fault_restore_and_anomalies():
    svg = report.timeline_svg(result(matched=False))
    doc = minidom.parseString(svg)
    titles = [t.firstChild.data for t in doc.getElementsByTagName("title")]
    # Each request twice (latency panel and backend lane); the slow one also as a line.
    assert sum("user 1 #1" in t for t in titles) == 3
    assert any(t.startswith("sessions_lost: user 0 #2") for t in titles)
    assert "fault" in svg and "restored" in svg and "no answer" in svg


def test_write_report_writes_markdown_json_and_timelines(tmp_path):
    table = report.write_report([result()], tmp_path, {"total": 12.0}, name="faults", title="Fault matrix")
    assert "nginx-cluster-kill" in table
    md = (tmp_path / "faults.md").read_text()
    assert "| setup | kill |" in md and "timelines/nginx-cluster-kill.svg" in md
    assert (tmp_path / "timelines" / "nginx-cluster-kill.svg").exists()
    assert '"rows"' in (tmp_path / "faults.json").read_text()


def test_matrix_text_is_what_make_faults_prints():
    rows = [report.row(result(fault="kill")), report.row(result(matched=False, fault="stop"))]
    lines = report.matrix_text(rows).splitlines()
    assert lines[0].split() == ["setup", "kill", "stop"]
    assert lines[2].startswith("nginx cluster  ok 1/0/0 · 3.2 s  MISS 1/1/0 · 3.2 s")

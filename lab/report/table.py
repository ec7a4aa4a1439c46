"""The experiments table: its columns, and the text make lab and make faults print, each miss said under it."""

from __future__ import annotations

from lab.report.rows import columns, figure, yes_no

HEADERS = [
    "experiment",
    "balancer",
    "strategy",
    "fault",
    "before req/sess/backends",
    "faulted",
    "kept?",
    "load req",
    "failed",
    "sessions lost",
    "updates lost",
    "longest stall s",
    "p99 ms",
    "matched",
]


def cells(r: dict) -> list[str]:
    if "error" in r:
        return [r["experiment"], r["balancer"], r["strategy"], r["fault"], *["-"] * 9, "NO: " + r["error"]]
    return [
        r["experiment"],
        r["balancer"],
        r["strategy"],
        r["fault"],
        r["before"],
        r["faulted"],
        yes_no(r["kept_after"]),
        str(r["requests"]),
        figure(r["failed_requests"]),
        figure(r["sessions_lost"]),
        figure(r["updates_lost"]),
        figure(r["longest_stall_s"], 2),
        figure(r["p99_ms"], 0),
        "yes" if r["matched"] else "NO",
    ]


def text_table(rows: list[dict]) -> str:
    out = [columns([HEADERS] + [cells(r) for r in rows])]
    misses = [r for r in rows if not r["matched"]]
    for r in misses:
        why = r.get("error") or r.get("stage_error") or r["verdict"]
        out.append(f"{r['experiment']}: {why}")
    return "\n".join(out)

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
    "client lag p99 ms",
    "matched",
]


def cells(r: dict) -> list[str]:
    if "error" in r:
        return [r["experiment"], r["balancer"], r["strategy"], r["fault"], *["-"] * 10, "NO: " + r["error"]]
    return [
        r["experiment"],
        r["balancer"],
        r["strategy"],
        r["fault"],
        r["before"],
        r["faulted"],
        yes_no(r["kept_after"]),
        str(r["requests"]),
        figure(r["failed_requests"]) + (f" +{r['failed_not_resent']}" if r.get("failed_not_resent") else ""),
        figure(r["sessions_lost"]),
        figure(r["updates_lost"]),
        figure(r["longest_stall_s"], 2),
        figure(r["p99_ms"], 0),
        client(r.get("client")),
        "yes" if r["matched"] else "NO",
    ]


def client(figures: dict | None) -> str:
    """The load generator's own lateness, marked when it fell behind its schedule: then the latencies and stalls
    beside it are partly the client's, not the backend's."""
    if not figures:
        return "-"
    lag = figure(figures["lag_ms"]["p99"], 0)
    return f"{lag} BEHIND" if figures["behind"] else lag


def text_table(rows: list[dict]) -> str:
    out = [columns([HEADERS] + [cells(r) for r in rows])]
    misses = [r for r in rows if not r["matched"]]
    for r in misses:
        why = r.get("error") or r.get("stage_error") or r["verdict"]
        out.append(f"{r['experiment']}: {why}")
    for r in rows:
        if r.get("failed_not_resent"):
            out.append(
                f"{r['experiment']}: +{r['failed_not_resent']} requests a balancer does not send twice (POST, PATCH,"
                " LOCK) failed with 502, 503 or 504 when their backend failed under them: the user saw an error, and"
                " the update may or may not have been applied; reported, not judged."
            )
        if (r.get("client") or {}).get("behind"):
            figures = r["client"]
            lag = figure(figures["lag_ms"]["p99"], 0)
            average = " -> ".join(str(a) for a in figures["load_average"])
            out.append(
                f"{r['experiment']}: the load generator fell behind its schedule (lag p99 {lag} ms,"
                f" {figures['missed_slots']} missed slots, CPU {figures['cpu_s']} s, load average {average}):"
                " its latencies and stalls are partly its own."
            )
    return "\n".join(out)

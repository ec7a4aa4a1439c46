"""A result file flattened into the row every output reads, and the formatting they share."""

from __future__ import annotations


def yes_no(value) -> str:
    return "-" if value is None else ("yes" if value else "no")


def figure(value, digits=0) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and digits:
        return f"{value:.{digits}f}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def columns(lines: list[list[str]]) -> str:
    """Aligned text columns, the first line a header underlined with dashes."""
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    out = []
    for n, line in enumerate(lines):
        out.append("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def row(result: dict) -> dict:
    """Flatten one result file into the table's columns (the verdict is copied, not recomputed)."""
    base = {
        "experiment": result["experiment"],
        "balancer": result.get("balancer", ""),
        "strategy": result.get("strategy", ""),
        "fault": result.get("fault", ""),
    }
    if "error" in result:
        return {**base, "error": result["error"], "matched": False, "screenshots": None}
    verdict = result["verdict"]
    observed = verdict["observed"]
    before = result["before"]["summary"]
    return {
        **base,
        "before": f"{before['requests']}/{before['distinct_sessions']}/{before['distinct_backends']}",
        "faulted": result["faulted_backend"],
        "kept_after": observed["kept_after"],
        "failed_requests": observed["failed_requests"],
        # POSTs the balancer answered 502/503/504 and would not send again (absent from older results).
        "failed_not_resent": observed.get("failed_not_resent", 0),
        "sessions_lost": observed["sessions_lost"],
        "updates_lost": observed["updates_lost"],
        "longest_stall_s": observed["longest_stall_s"],
        "p99_ms": observed["p99_ms"],
        "requests": result["load"]["summary"]["requests"],
        # How the load generator itself kept up (absent from results written before it was measured).
        "client": result["load"]["summary"].get("client"),
        "promise": verdict["expected"]["promise"],
        "verdict": verdict["text"],
        "matched": verdict["matched"] and not result.get("stage_error"),
        "stage_error": result.get("stage_error"),
        "screenshots": result.get("screenshots"),
    }

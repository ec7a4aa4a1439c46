"""The fault matrix of make faults: setups down, faults across, as text (printed) and markdown (faults.md)."""

from __future__ import annotations

from lab.report.rows import columns, figure

# The reports whose runs are setups by faults: make faults', and make lab-app's (your application's).
MATRIX_REPORTS = ("faults", "app")


def matrix(rows: list[dict]) -> list[list[str]]:
    """Setups down, faults across; each cell failed / sessions lost / updates lost, the longest stall, a mark.

    The first line holds the headers."""
    faults = []
    setups = []
    for r in rows:
        if r["fault"] not in faults:
            faults.append(r["fault"])
        if (r["balancer"], r["strategy"]) not in setups:
            setups.append((r["balancer"], r["strategy"]))
    by_cell = {(r["balancer"], r["strategy"], r["fault"]): r for r in rows}
    out = [["setup", *faults]]
    for balancer, strategy in setups:
        line = [f"{balancer} {strategy}"]
        for fault in faults:
            r = by_cell.get((balancer, strategy, fault))
            if r is None:
                line.append("")
            elif "error" in r:
                line.append("error")
            else:
                mark = "ok" if r["matched"] else "MISS"
                line.append(
                    f"{mark} {figure(r['failed_requests'])}/{figure(r['sessions_lost'])}/{figure(r['updates_lost'])}"
                    f" · {figure(r['longest_stall_s'], 1)} s"
                )
        out.append(line)
    return out


def matrix_markdown(rows: list[dict]) -> str:
    lines = matrix(rows)
    out = ["| " + " | ".join(lines[0]) + " |", "|---|" + "---|" * (len(lines[0]) - 1)]
    out += ["| " + " | ".join(c.replace("MISS", "**MISS**") for c in line) + " |" for line in lines[1:]]
    return "\n".join(out)


def matrix_text(rows: list[dict]) -> str:
    return columns(matrix(rows))

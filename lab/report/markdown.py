"""report.md or faults.md: the verdicts in markdown, with the JSON index.html reads and a timeline file per run."""

from __future__ import annotations

import json
from pathlib import Path

from lab.report.matrix import MATRIX_REPORTS, matrix_markdown, matrix_text
from lab.report.rows import row
from lab.report.table import HEADERS, cells, text_table
from lab.report.timeline import timeline_svg


def markdown_table(rows: list[dict], pictures: dict[str, str]) -> str:
    out = ["| " + " | ".join(HEADERS) + " | promise | timeline |", "|" + "---|" * (len(HEADERS) + 2)]
    for r in rows:
        pic = pictures.get(r["experiment"])
        link = f"[timeline]({pic})" if pic else "-"
        promise = r.get("promise", "")
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells(r)) + f" | {promise} | {link} |")
    return "\n".join(out)


def write_report(
    results: list[dict],
    out_dir: Path,
    timings: dict,
    *,
    name: str = "report",
    title: str,
    screenshots_skipped: str | None = None,
) -> str:
    """Write <name>.md, <name>.json and the timelines; return the text table.

    screenshots_skipped says why no screenshots were taken (None when they were)."""
    rows = [row(r) for r in results]
    pictures = {}
    (out_dir / "timelines").mkdir(parents=True, exist_ok=True)
    for r in results:
        if "error" not in r:
            picture = f"timelines/{r['experiment']}.svg"
            (out_dir / picture).write_text(timeline_svg(r))
            pictures[r["experiment"]] = picture
    table = text_table(rows)
    if name in MATRIX_REPORTS:
        table = matrix_text(rows) + "\n\n" + table
    matched = sum(1 for r in rows if r["matched"])
    md = [
        f"# {title}",
        "",
        f"{matched} of {len(rows)} runs matched their expectation.",
        "",
        "Before: a quiet probe of requests / distinct sessions / distinct backends through the balancer, with one "
        "cookie jar. Kept: the same probe's session survived the fault, its counter going on. Load: users with a "
        "session each, at a steady rate, through the fault and its recovery; failed requests, sessions lost, "
        "acknowledged updates lost, the longest stall of a user and the 99th percentile latency.",
        "",
    ]
    if name in MATRIX_REPORTS:
        md += ["Cells: failed / sessions lost / updates lost · longest stall.", "", matrix_markdown(rows), ""]
    md += [
        markdown_table(rows, pictures),
        "",
        "Screenshots: " + (f"skipped, {screenshots_skipped}." if screenshots_skipped else "in index.html."),
        "",
        "Timings (seconds): " + ", ".join(f"{k} {v:.0f}" for k, v in timings.items()),
        "",
    ]
    (out_dir / f"{name}.md").write_text("\n".join(md))
    report = {"title": title, "rows": rows, "timings": timings, "screenshots_skipped": screenshots_skipped}
    (out_dir / f"{name}.json").write_text(json.dumps(report, indent=2))
    return table

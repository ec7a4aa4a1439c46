"""Render the lab's results: a text table, report.md, report.json and one timeline SVG per experiment."""

from __future__ import annotations

import html
import json
from pathlib import Path


def session_colour(index: int) -> str:
    """A distinct colour per session, however many there are (hues a golden angle apart)."""
    return f"hsl({index * 137.508 % 360:.0f}, 70%, {45 + 12 * (index // 8 % 2)}%)"


def yes_no(value) -> str:
    return "yes" if value else "no"


def row(result: dict) -> dict:
    """Flatten one experiment result into the table's columns."""
    if "error" in result:
        return {
            "experiment": result["experiment"],
            "balancer": result.get("balancer", ""),
            "strategy": result.get("strategy", ""),
            "error": result["error"],
            "matched": False,
        }
    b, a = result["before"]["summary"], result["after"]["summary"]
    return {
        "experiment": result["experiment"],
        "balancer": result["balancer"],
        "strategy": result["strategy"],
        "before_requests": b["requests"],
        "before_sessions": b["distinct_sessions"],
        "before_backends": b["distinct_backends"],
        "stopped": result["faulted_backend"],
        "kept_after": result["observed"]["kept_after"],
        "counter_continued": a["counter_continued"] and result["observed"]["kept_after"],
        "after_failed": a["failed"],
        "expected": {True: "stable", False: "changing", None: "either"}[result["expected"]["stable_before"]],
        "expected_kept": result["expected"]["kept_after"],
        "matched": result["matched"],
        "stage_error": result.get("stage_error"),
    }


HEADERS = [
    "experiment",
    "balancer",
    "strategy",
    "before: req/sess/backends",
    "stopped",
    "after: kept?",
    "counter continued?",
    "failed req",
    "expected (before, kept)",
    "matched",
]


def cells(r: dict) -> list[str]:
    if "error" in r:
        return [r["experiment"], r["balancer"], r["strategy"], "-", "-", "-", "-", "-", r["error"], "NO"]
    return [
        r["experiment"],
        r["balancer"],
        r["strategy"],
        f"{r['before_requests']}/{r['before_sessions']}/{r['before_backends']}",
        r["stopped"],
        yes_no(r["kept_after"]),
        yes_no(r["counter_continued"]),
        str(r["after_failed"]),
        f"{r['expected']}, {yes_no(r['expected_kept'])}",
        "yes" if r["matched"] else ("NO: " + r["stage_error"] if r.get("stage_error") else "NO"),
    ]


def text_table(rows: list[dict]) -> str:
    body = [HEADERS] + [cells(r) for r in rows]
    widths = [max(len(line[i]) for line in body) for i in range(len(HEADERS))]
    out = []
    for n, line in enumerate(body):
        out.append("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def markdown_table(rows: list[dict], pictures: dict[str, str]) -> str:
    out = ["| " + " | ".join(HEADERS) + " | timeline |", "|" + "---|" * (len(HEADERS) + 1)]
    for r in rows:
        pic = pictures.get(r["experiment"])
        link = f"[timeline]({pic})" if pic else "-"
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells(r)) + f" | {link} |")
    return "\n".join(out)


def timeline_svg(result: dict) -> str:
    """Each request a point: time across, backend down; colour = session, ring = session change, red line = fault."""
    samples = result["before"]["samples"] + result["after"]["samples"]
    t0 = min(s["started"] for s in samples)
    t1 = max(s["started"] for s in samples)
    span = max(t1 - t0, 0.001)
    lanes = sorted({s["server"] for s in samples if not s.get("error")}) + ["failed"]
    sessions: list[str] = []
    for s in samples:
        if not s.get("error") and s["session_base"] not in sessions:
            sessions.append(s["session_base"])
    left, right, top, lane_h = 150, 30, 50, 50
    width = 900
    height = top + lane_h * len(lanes) + 70
    plot_w = width - left - right

    def x(t: float) -> float:
        return left + (t - t0) / span * plot_w

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{left}" y="22" font-size="15">{html.escape(result["experiment"])}: '
        f"{html.escape(result['description'])}</text>",
    ]
    for i, lane in enumerate(lanes):
        y = top + lane_h * i + lane_h / 2
        parts.append(f'<line x1="{left}" y1="{y}" x2="{width - right}" y2="{y}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 8}" y="{y + 4}" text-anchor="end">{html.escape(lane)}</text>')
    fault_x = x(result["fault_started"])
    parts.append(
        f'<line x1="{fault_x:.1f}" y1="{top - 10}" x2="{fault_x:.1f}" y2="{top + lane_h * len(lanes)}" '
        'stroke="red" stroke-width="2" stroke-dasharray="6,3"/>'
    )
    parts.append(
        f'<text x="{fault_x + 4:.1f}" y="{top - 14}" fill="red">{html.escape(result["fault"])} '
        f"{html.escape(result['faulted_backend'])}</text>"
    )
    previous = None
    for s in samples:
        if s.get("error"):
            y = top + lane_h * (len(lanes) - 1) + lane_h / 2
            parts.append(f'<text x="{x(s["started"]):.1f}" y="{y + 4}" text-anchor="middle" fill="red">x</text>')
            continue
        y = top + lane_h * lanes.index(s["server"]) + lane_h / 2
        colour = session_colour(sessions.index(s["session_base"]))
        parts.append(
            f'<circle cx="{x(s["started"]):.1f}" cy="{y}" r="5" fill="{colour}">'
            f"<title>{html.escape(s['session_id'])} count={s['count']}</title></circle>"
        )
        if previous is not None and previous != s["session_base"]:
            parts.append(f'<circle cx="{x(s["started"]):.1f}" cy="{y}" r="9" fill="none" stroke="black"/>')
        previous = s["session_base"]
    axis_y = top + lane_h * len(lanes) + 20
    parts.append(f'<text x="{left}" y="{axis_y}">0 s</text>')
    parts.append(f'<text x="{width - right}" y="{axis_y}" text-anchor="end">{span:.2f} s</text>')
    parts.append(
        f'<text x="{left}" y="{axis_y + 22}">colour = session ({len(sessions)} in all); ring = session changed; '
        "x = failed request; red line = fault</text>"
    )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def write_report(results: list[dict], out_dir: Path, timings: dict) -> str:
    """Write report.md, report.json and timelines; return the text table."""
    rows = [row(r) for r in results]
    pictures = {}
    (out_dir / "timelines").mkdir(parents=True, exist_ok=True)
    for r in results:
        if "error" not in r:
            name = f"timelines/{r['experiment']}.svg"
            (out_dir / name).write_text(timeline_svg(r))
            pictures[r["experiment"]] = name
    table = text_table(rows)
    matched = sum(1 for r in rows if r["matched"])
    md = [
        "# Session persistence lab report",
        "",
        f"{matched} of {len(rows)} experiments matched their expectation.",
        "",
        "Before: requests / distinct sessions / distinct backends, sampled through the balancer with one cookie jar. "
        "After: the same cookies, once the backend that served the session was faulted. "
        "Kept means the same session ID (route suffix aside) and a counter that went on from where it was.",
        "",
        markdown_table(rows, pictures),
        "",
        "Timings (seconds): " + ", ".join(f"{k} {v:.0f}" for k, v in timings.items()),
        "",
    ]
    (out_dir / "report.md").write_text("\n".join(md))
    (out_dir / "report.json").write_text(json.dumps({"rows": rows, "results": results, "timings": timings}, indent=2))
    return table

"""Render the lab's results: text tables, report.md / faults.md, JSON, and one timeline SVG per run.

Every figure and every judgement comes from the result files verify.yml writes (its session_verdict filter);
nothing here re-derives a verdict.
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path

import jinja2
import markupsafe

TEMPLATES = Path(__file__).resolve().parent / "templates"

OUTCOME_COLOURS = {
    "ok": "#2b8a3e",
    "refused": "#c92a2a",
    "reset": "#e8590c",
    "timeout": "#862e9c",
    "http_5xx": "#d6336c",
    "other": "#495057",
}
ANOMALY_COLOURS = {"sessions_lost": "#1971c2", "updates_lost": "#f08c00", "unacked_applied": "#868e96"}


def yes_no(value) -> str:
    return "-" if value is None else ("yes" if value else "no")


def figure(value, digits=0) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and digits:
        return f"{value:.{digits}f}"
    return f"{value:g}" if isinstance(value, float) else str(value)


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
        "sessions_lost": observed["sessions_lost"],
        "updates_lost": observed["updates_lost"],
        "longest_stall_s": observed["longest_stall_s"],
        "p99_ms": observed["p99_ms"],
        "requests": result["load"]["summary"]["requests"],
        "promise": verdict["expected"]["promise"],
        "verdict": verdict["text"],
        "matched": verdict["matched"] and not result.get("stage_error"),
        "stage_error": result.get("stage_error"),
        "screenshots": result.get("screenshots"),
    }


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
    out = [_columns([HEADERS] + [cells(r) for r in rows])]
    misses = [r for r in rows if not r["matched"]]
    for r in misses:
        why = r.get("error") or r.get("stage_error") or r["verdict"]
        out.append(f"{r['experiment']}: {why}")
    return "\n".join(out)


def markdown_table(rows: list[dict], pictures: dict[str, str]) -> str:
    out = ["| " + " | ".join(HEADERS) + " | promise | timeline |", "|" + "---|" * (len(HEADERS) + 2)]
    for r in rows:
        pic = pictures.get(r["experiment"])
        link = f"[timeline]({pic})" if pic else "-"
        promise = r.get("promise", "")
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells(r)) + f" | {promise} | {link} |")
    return "\n".join(out)


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
    return _columns(matrix(rows))


def _columns(lines: list[list[str]]) -> str:
    """Aligned text columns, the first line a header underlined with dashes."""
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    out = []
    for n, line in enumerate(lines):
        out.append("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def _log_y(ms: float, top: float, height: float, low: float = 1.0, high: float = 100000.0) -> float:
    ms = min(max(ms, low), high)
    return top + height - (math.log10(ms) - math.log10(low)) / (math.log10(high) - math.log10(low)) * height


def timeline_svg(result: dict) -> str:
    """Every request of every user: time across; latency (log) above, serving backend below; colour = outcome.

    A ring marks a request the checker flagged (session lost, update lost, unacknowledged update applied);
    dashed red lines mark the fault and its restore.
    """
    history = result["load"]["history"]
    timing = result["timing"]
    t0 = timing["load_started"]
    span = max([timing["load_duration"]] + [h["start"] + (h["latency_ms"] or 0) / 1000 for h in history])
    servers = sorted({h["server"] for h in history if h.get("server")})
    lanes = [*servers, "no answer"]
    flagged = {(e["user"], e["seq"]): e["kind"] for e in result["load"]["summary"].get("examples", [])}
    left, right, top = 140, 20, 56
    lat_h, lane_h = 220, 34
    width = 960
    lanes_top = top + lat_h + 40
    height = lanes_top + lane_h * len(lanes) + 70
    plot_w = width - left - right

    def x(t: float) -> float:
        return left + t / span * plot_w

    v = result["verdict"]["observed"]
    title = (
        f"{result['experiment']}: {result['balancer']} {result['strategy']}, {result['fault']} "
        f"{result['faulted_backend']}"
    )
    subtitle = (
        f"{len(history)} requests from {result['load']['users']} users; failed {v['failed_requests']}, "
        f"sessions lost {v['sessions_lost']}, updates lost {v['updates_lost']}, "
        f"longest stall {v['longest_stall_s']} s, p99 {v['p99_ms']} ms; "
        f"{'as expected' if result['verdict']['matched'] else 'NOT as expected'}"
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{left}" y="20" font-size="15">{html.escape(title)}</text>',
        f'<text x="{left}" y="38" fill="#444">{html.escape(subtitle)}</text>',
    ]
    for ms in (1, 10, 100, 1000, 10000, 100000):
        y = _log_y(ms, top, lat_h)
        label = f"{ms / 1000:g} s" if ms >= 1000 else f"{ms} ms"
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#eee"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#666">{label}</text>')
    parts.append(f'<text x="12" y="{top + lat_h / 2:.0f}" fill="#444">latency</text>')
    for i, lane in enumerate(lanes):
        y = lanes_top + lane_h * i + lane_h / 2
        parts.append(f'<line x1="{left}" y1="{y}" x2="{width - right}" y2="{y}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4}" text-anchor="end">{html.escape(lane)}</text>')
    for key, colour, label in (("fault_started", "#c92a2a", "fault"), ("restored", "#2f9e44", "restored")):
        t = timing.get(key)
        if not t:
            continue
        fx = x(t - t0)
        parts.append(
            f'<line x1="{fx:.1f}" y1="{top - 6}" x2="{fx:.1f}" y2="{lanes_top + lane_h * len(lanes)}" '
            f'stroke="{colour}" stroke-width="1.5" stroke-dasharray="6,3"/>'
        )
        parts.append(f'<text x="{fx + 3:.1f}" y="{top - 8}" fill="{colour}">{label}</text>')
    for h in history:
        colour = OUTCOME_COLOURS.get(h["outcome"], "#495057")
        latency = h["latency_ms"] if h["latency_ms"] is not None else 0.0
        x0, x1 = x(h["start"]), x(h["start"] + latency / 1000)
        y = _log_y(max(latency, 1.0), top, lat_h)
        tip = html.escape(
            f"user {h['user']} #{h['seq']} at {h['start']:.2f} s: {h['outcome']} in {latency:.0f} ms"
            f" from {h.get('server') or '-'} count {h.get('count')}"
        )
        if x1 - x0 > 2:
            parts.append(
                f'<line x1="{x0:.1f}" y1="{y:.1f}" x2="{x1:.1f}" y2="{y:.1f}" stroke="{colour}" '
                f'stroke-width="2" opacity="0.7"><title>{tip}</title></line>'
            )
        parts.append(f'<circle cx="{x1:.1f}" cy="{y:.1f}" r="2" fill="{colour}"><title>{tip}</title></circle>')
        lane = lanes.index(h["server"]) if h.get("server") in servers else len(lanes) - 1
        ly = lanes_top + lane_h * lane + lane_h / 2 + (h["user"] % 7 - 3) * 2.5
        parts.append(f'<circle cx="{x0:.1f}" cy="{ly:.1f}" r="2" fill="{colour}"><title>{tip}</title></circle>')
        kind = flagged.get((h["user"], h["seq"]))
        if kind:
            ring = ANOMALY_COLOURS.get(kind, "black")
            parts.append(
                f'<circle cx="{x0:.1f}" cy="{ly:.1f}" r="6" fill="none" stroke="{ring}" stroke-width="2">'
                f"<title>{html.escape(kind)}: {tip}</title></circle>"
            )
    axis_y = lanes_top + lane_h * len(lanes) + 18
    parts.append(f'<text x="{left}" y="{axis_y}">0 s</text>')
    parts.append(f'<text x="{width - right}" y="{axis_y}" text-anchor="end">{span:.1f} s</text>')
    legend_x = left
    for name, colour in [*OUTCOME_COLOURS.items(), *ANOMALY_COLOURS.items()]:
        ring = name in ANOMALY_COLOURS
        shape = (
            f'<circle cx="{legend_x + 5}" cy="{axis_y + 20}" r="5" fill="none" stroke="{colour}" stroke-width="2"/>'
            if ring
            else f'<circle cx="{legend_x + 5}" cy="{axis_y + 20}" r="4" fill="{colour}"/>'
        )
        parts.append(shape)
        parts.append(f'<text x="{legend_x + 14}" y="{axis_y + 24}">{html.escape(name.replace("_", " "))}</text>')
        legend_x += 14 + 7 * len(name) + 18
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


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
    if name == "faults":
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
    if name == "faults":
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


def _page_row(out_dir: Path, r: dict) -> dict:
    """One table row for index.html: the cells, and the files next to it that exist (timeline, JSON, logs)."""
    name = r["experiment"]
    timeline = out_dir / "timelines" / f"{name}.svg"
    links = [
        (label, f"{folder}/{name}{suffix}")
        for label, folder, suffix in (
            ("result", "results", ".json"),
            ("provision log", "logs", ".provision.log"),
            ("verify log", "logs", ".verify.log"),
        )
        if (out_dir / folder / f"{name}{suffix}").exists()
    ]
    shots = [
        {
            "label": shot.get("label", key),
            "file": f"screenshots/{shot['file']}" if shot.get("file") else None,
            "error": shot.get("error"),
        }
        for key, shot in (r.get("screenshots") or {}).items()
    ]
    return {
        "error": None,
        "stage_error": None,
        "verdict": "",
        "promise": "",
        "faulted": None,
        **r,
        "cells": cells(r),
        # The SVG is this report's own output (every text in it escaped when it was written): inlined as is.
        "timeline_svg": markupsafe.Markup(timeline.read_text()) if timeline.exists() else None,
        "links": links,
        "shots": shots,
    }


def write_index(out_dir: Path) -> Path:
    """Write index.html from report.json and faults.json, whichever exist: one page, nothing fetched."""
    sections = []
    for name in ("report", "faults"):
        path = out_dir / f"{name}.json"
        if not path.exists():
            continue
        data = json.loads(path.read_text())
        rows = data["rows"]
        sections.append(
            {
                "name": name,
                "title": data.get("title", name),
                "matched": sum(1 for r in rows if r["matched"]),
                "rows": [_page_row(out_dir, r) for r in rows],
                "matrix": matrix(rows) if name == "faults" else None,
                "screenshots_skipped": data.get("screenshots_skipped"),
                "timings": data.get("timings", {}),
            }
        )
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    page = env.get_template("index.html.j2").render(sections=sections, headers=HEADERS)
    index = out_dir / "index.html"
    index.write_text(page)
    return index

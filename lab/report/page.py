"""index.html: one self-contained page of report.json and faults.json, with screenshots, timelines and links."""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
import markupsafe

from lab.report.matrix import MATRIX_REPORTS, matrix
from lab.report.table import HEADERS, cells

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


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
    """Write index.html from report.json, faults.json and app.json, whichever exist: one page, nothing fetched."""
    sections = []
    for name in ("report", "faults", "app"):
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
                "matrix": matrix(rows) if name in MATRIX_REPORTS else None,
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

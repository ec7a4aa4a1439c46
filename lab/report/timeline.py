"""The timeline of a run (timelines/<run>.svg): every request of every user, its latency and serving backend."""

from __future__ import annotations

import html
import math

OUTCOME_COLOURS = {
    "ok": "#2b8a3e",
    "refused": "#c92a2a",
    "reset": "#e8590c",
    "timeout": "#862e9c",
    "http_5xx": "#d6336c",
    "other": "#495057",
}
ANOMALY_COLOURS = {"sessions_lost": "#1971c2", "updates_lost": "#f08c00", "unacked_applied": "#868e96"}


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

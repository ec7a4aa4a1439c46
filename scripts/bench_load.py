# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: session_load's engine through a real nginx in front of two page servers, all on loopback.

Usage: .venv/bin/python scripts/bench_load.py [--rates 200 400] [--users 40] [--duration 5] [--rounds 3] [--flow]
Prints one line per target rate: achieved rate (median of the rounds), p50/p99 latency, missed slots and
failed requests (worst round). A benchmark, not a test: it asserts only that the requests were ok.
--flow runs flow mode instead: shoppers log in, add to a cart (JSON) and view it (HTML) on two loopback shops,
with nginx naming the backend in a header.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "collections"))
sys.path.insert(0, str(REPO_ROOT))

from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils._session_load import run_load  # noqa: E402

from lab.loopback import NGINX, SHOP_FLOW, Nginx, PageServer, ShopServer, free_port  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", type=float, nargs="+", default=[200.0, 400.0])
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--path", default="/session.jsp")
    parser.add_argument("--keepalive", action="store_true", help="one persistent connection per user")
    parser.add_argument("--nginx", default=NGINX)
    parser.add_argument("--flow", action="store_true", help="flow mode: a login, a cart add and a cart view")
    args = parser.parse_args()

    lines = []
    server = ShopServer if args.flow else PageServer
    with server() as one, server(name="backend2.test", route="tomcat2") as two:
        front = free_port()
        # Sticky by cookie would need nginx plus; ip_hash keeps every (loopback) user on one backend.
        http_block = (
            f"  upstream tomcat {{ ip_hash; server 127.0.0.1:{one.port}; server 127.0.0.1:{two.port};"
            " keepalive 16; }\n"
            f"  server {{ listen 127.0.0.1:{front};\n"
            + ("    add_header X-Upstream $upstream_addr always;\n" if args.flow else "")
            + '    location / { proxy_pass http://tomcat; proxy_http_version 1.1; proxy_set_header Connection ""; } }'
        )
        options = {"keepalive": args.keepalive}
        if args.flow:
            options.update(
                flow=SHOP_FLOW,
                served_by_header="X-Upstream",
                backend_names={f"127.0.0.1:{one.port}": "backend1", f"127.0.0.1:{two.port}": "backend2"},
            )
        with Nginx(http_block, binary=args.nginx) as nginx:
            nginx.wait(front)
            url = f"http://127.0.0.1:{front}{args.path}"
            run_load(url, users=4, rate=40, duration=0.5, timeout=5, **options)  # warm-up
            for rate in args.rates:
                rounds = []
                for _round in range(args.rounds):
                    result = run_load(url, users=args.users, rate=rate, duration=args.duration, timeout=5, **options)
                    summary = result["summary"]
                    if summary["ok"] == 0:
                        raise SystemExit(f"bench: no request was ok: {summary['failed_by_class']}")
                    rounds.append(summary)
                anomalies = max(s["sessions_lost"] + s["updates_lost"] + s["unacked_applied"] for s in rounds)
                achieved = statistics.median(s["rate"] for s in rounds)
                p50 = statistics.median(s["latency_ms"]["p50"] for s in rounds)
                p99 = statistics.median(s["latency_ms"]["p99"] for s in rounds)
                lines.append(
                    f"session_load: target {rate:g} req/s, {args.users} users, {args.duration:g} s x {args.rounds} "
                    f"rounds{' keepalive' if args.keepalive else ''}{' flow' if args.flow else ''}: "
                    f"achieved {achieved:.1f} req/s (median), "
                    f"p50 {p50:.1f} ms, p99 {p99:.1f} ms (medians), "
                    f"missed slots max {max(s['missed_slots'] for s in rounds)}, "
                    f"failed max {max(s['failed'] for s in rounds)}, "
                    f"anomalies max {anomalies}"
                )
    print("\n".join(lines))


if __name__ == "__main__":
    main()

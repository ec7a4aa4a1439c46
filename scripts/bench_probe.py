# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: session_probe's sampling loop through a real nginx in front of one page server, all on loopback.

Usage: .venv/bin/python scripts/bench_probe.py [--samples 100] [--rounds 5] [--path /index.jsp]
Prints the time per run and per sample. A benchmark, not a test: it asserts only that the session held.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "collections"))
sys.path.insert(0, str(REPO_ROOT))

from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils._session_probe import run_probe  # noqa: E402

from lab.loopback import NGINX, Nginx, PageServer, free_port  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--path", default="/index.jsp")
    parser.add_argument("--nginx", default=NGINX)
    args = parser.parse_args()

    with PageServer() as page:
        front = free_port()
        http_block = (
            f"  upstream tomcat {{ server 127.0.0.1:{page.port}; keepalive 8; }}\n"
            f"  server {{ listen 127.0.0.1:{front};\n"
            '    location / { proxy_pass http://tomcat; proxy_http_version 1.1; proxy_set_header Connection ""; } }'
        )
        with Nginx(http_block, binary=args.nginx) as nginx:
            nginx.wait(front)
            url = f"http://127.0.0.1:{front}{args.path}"
            run_probe(url, count=5)  # warm-up
            timings = []
            for _round in range(args.rounds):
                start = time.perf_counter()
                result = run_probe(url, count=args.samples)
                timings.append(time.perf_counter() - start)
                summary = result["summary"]
                if summary["failed"] or not summary["counter_continued"]:
                    raise SystemExit(f"bench: the session did not hold: {summary}")
    median = statistics.median(timings)
    print(
        f"session_probe: {args.samples} samples through nginx -> 1 page server on loopback, {args.rounds} rounds: "
        f"median {median * 1000:.1f} ms per run ({median / args.samples * 1000:.2f} ms per sample), "
        f"min {min(timings) * 1000:.1f} ms, max {max(timings) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()

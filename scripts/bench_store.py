# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the session store costs per request: one load through HAProxy's sticky sessions, without and with the store.

In one run, on a lab of its own (sessionlabstore, or SESSIONLAB_LAB; brought up and left running): site.yml with
each setup, then the lab's load (20 users, 50 requests per second, through the balancer) with no fault, and its
latency percentiles. The setups: sticky sessions in memory; sticky_store with the valve (the session read from
PostgreSQL before every request and written back after it, the default); sticky_store without the valve (in
memory, written at Tomcat's background check). Prints a table with the ratios to the first, and writes every
figure to --out as JSON.

    python scripts/bench_store.py [--seconds 30] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# A lab of its own, unless SESSIONLAB_LAB names one; lab.hosts names the containers from it, as the playbooks do.
os.environ["SESSIONLAB_LAB"] = os.environ.get("SESSIONLAB_LAB") or "sessionlabstore"

from tests.lab_checks import Load, ansible_env, run_playbook  # noqa: E402

SETUPS = {
    "sticky (memory)": {"tomcat_ha_strategy": "sticky"},
    "sticky_store (valve)": {"tomcat_ha_strategy": "sticky_store"},
    "sticky_store (no valve)": {
        "tomcat_ha_strategy": "sticky_store",
        "tomcat_session_store_valve": False,
        "tomcat_session_store_max_idle_backup": 0,
    },
}


def lab_up() -> None:
    done = subprocess.run(
        ["ansible-playbook", "-i", "lab/inventory", "lab/playbooks/lab_up.yml"],
        cwd=ROOT,
        env=ansible_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"bench_store: lab_up.yml failed:\n{(done.stdout + done.stderr)[-3000:]}")


def measure(settings: dict, seconds: float) -> dict:
    started = time.monotonic()
    proc = run_playbook({"tomcat_ha_balancer": "haproxy", **settings}, timeout=1800)
    if proc.returncode != 0:
        sys.exit(f"bench_store: site.yml failed:\n{(proc.stdout + proc.stderr)[-3000:]}")
    converge = time.monotonic() - started
    with Load(duration=seconds + 60) as load:
        # Load's own lead-in (its first requests) is part of the figures; the schedule ends when the block does.
        time.sleep(max(seconds - 10, 1))
    summary = load.summary
    return {
        "site_yml_s": round(converge, 1),
        "requests": summary["requests"],
        "failed": summary["failed"],
        "sessions_lost": summary["sessions_lost"],
        "updates_lost": summary["updates_lost"],
        **{f"{k}_ms": v for k, v in summary["latency_ms"].items()},
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="seconds of load per setup and round")
    parser.add_argument("--rounds", type=int, default=2, help="rounds over the setups (the figures are per round)")
    parser.add_argument("--out", default="build/bench-store.json")
    args = parser.parse_args(argv)
    lab_up()
    rows = []
    for round_ in range(1, args.rounds + 1):
        for name, settings in SETUPS.items():
            row = {"round": round_, "setup": name, **measure(settings, args.seconds)}
            rows.append(row)
            print(json.dumps(row), flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(rows, indent=1))
    head = ("round", "setup", "requests", "failed", "p50 ms", "p99 ms", "p50 x", "p99 x")
    print("{:>5}  {:<24} {:>8} {:>6} {:>7} {:>7} {:>6} {:>6}".format(*head))
    for row in rows:
        base = next(r for r in rows if r["round"] == row["round"])
        ratio = [f"{row[k] / base[k]:.2f}" if base[k] and row[k] is not None else "-" for k in ("p50_ms", "p99_ms")]
        print(
            f"{row['round']:>5}  {row['setup']:<24} {row['requests']:>8} {row['failed']:>6} "
            f"{row['p50_ms']:>7} {row['p99_ms']:>7} {ratio[0]:>6} {ratio[1]:>6}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

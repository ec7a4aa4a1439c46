# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Measure a WAR upgrade under load: the shop v1 -> v2 with site.yml while shoppers walk the shop flow.

On a lab that runs (make lab-up, with SESSIONLAB_LAB), for each strategy: the shop v1 deployed by site.yml, then 20
users at 50 requests per second (the lab's load) log in and add to their carts through the balancer while site.yml
deploys v2, once as a new version beside v1 (Tomcat's parallel deployment) and once over it (a plain redeploy of
the same context). Alongside, a new user logs in and reads its cart twice, again and again, through the balancer:
what a session started during the upgrade sees. Prints a table, and writes every figure to --out as JSON.

    SESSIONLAB_LAB=mylab python scripts/bench_upgrade.py --balancer haproxy --strategy sticky_cluster cluster sticky
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "lab" / "apps"))

from build import build  # noqa: E402
from tests.lab_checks import CLIENT, Load, balancer_url, host, run_playbook  # noqa: E402

WARS = ROOT / "build" / "apps"
CART = r"sessionlab\.shop\.Cart"
# The shop's own flow (lab/apps/shop/flow.yml), its relative paths under the shop's context.
SHOP_FLOW = [
    {**step, "path": f"/shop/{step['path']}"} for step in yaml.safe_load((ROOT / "lab/apps/shop/flow.yml").read_text())
]
# A new shopper during the upgrade: logs in, adds one item, reads the cart twice; prints the four statuses and items.
NEWCOMER = (
    "j=$(mktemp); b={url}; "
    "a=$(curl -s -o /dev/null -w '%{{http_code}}' -c $j -b $j -X POST -d user=new ${{b}}login); "
    "c=$(curl -s -o /dev/null -w '%{{http_code}}' -c $j -b $j -X POST -d item=x ${{b}}cart/add); "
    "d=$(curl -s -c $j -b $j -w ' %{{http_code}}' ${{b}}cart); "
    "e=$(curl -s -c $j -b $j -w ' %{{http_code}}' ${{b}}cart); "
    'rm -f $j; echo "$a $c | $d | $e"'
)


def shop(war: str, version: str | None, state: str = "present") -> dict:
    app = {"context": "/shop", "health_path": "/health", "session_classes": [CART], "state": state}
    if state == "present":
        app["war"] = str(WARS / f"{war}.war")
    if version:
        app["version"] = version
    return app


def site(settings: dict, apps: list[dict]) -> float:
    """site.yml with these applications; its duration. Stops the bench when it fails."""
    started = time.monotonic()
    proc = run_playbook({**settings, "tomcat_ha_apps": apps}, timeout=1200)
    if proc.returncode != 0:
        sys.exit(f"bench_upgrade: site.yml failed:\n{(proc.stdout + proc.stderr)[-3000:]}")
    return time.monotonic() - started


class Newcomers(threading.Thread):
    """New shoppers, one after the other, until stopped: each logs in, adds an item and reads the cart twice."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.outcomes: list[tuple[float, str]] = []

    def run(self):
        client = host(CLIENT)
        url = balancer_url("shop/")
        while not self.stop.is_set():
            out = client.run(NEWCOMER.format(url=url)).stdout.strip()
            self.outcomes.append((time.time(), out))

    def figures(self) -> dict:
        good = [o for _t, o in self.outcomes if o.startswith("200 200 |") and o.count('"items": 1') == 2]
        return {"newcomers": len(self.outcomes), "newcomers_failed": len(self.outcomes) - len(good)}


def lost_sessions(history: list[dict]) -> dict:
    """What the shop says about sessions: a 401 (not logged in) on a step after the login is a session lost, the
    user stays logged out (it has no way back in flow mode); the checker counts a new cookie as lost too."""
    lost_users = {r["user"] for r in history if r["status"] == 401 and r["step"] != "login"}
    return {"users_logged_out": len(lost_users), "answers_401": sum(r["status"] == 401 for r in history)}


def measure(settings: dict, parallel: bool) -> dict:
    version_1, version_2 = ("1", "2") if parallel else (None, None)
    site(settings, [shop("shop", None, state="absent")])
    site(settings, [shop("shop", version_1)])
    newcomers = Newcomers()
    with Load(duration=600, flow=SHOP_FLOW, page="shop/") as load:
        newcomers.start()
        started = time.time()
        took = site(settings, [shop("shop-v2", version_2)])
        newcomers.stop.set()
        newcomers.join()
    summary = load.summary
    history = load.result["history"]
    return {
        "deploy": "parallel (version 1 -> 2)" if parallel else "plain redeploy",
        "site_yml_s": round(took, 1),
        "requests": summary["requests"],
        "failed": summary["failed"],
        "failed_by_class": summary["failed_by_class"],
        "sessions_lost": summary["sessions_lost"],
        "updates_lost": summary["updates_lost"],
        "longest_stall_s": summary["longest_stall_s"],
        **lost_sessions(history),
        **newcomers.figures(),
        "failed_by_error": _count(r["error"] for r in history if r["outcome"] != "ok"),
        "examples": summary["examples"][:10],
        "started": started,
    }


def _count(items) -> dict:
    counts: dict = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return counts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--balancer", default="haproxy")
    parser.add_argument("--strategy", nargs="+", default=["sticky_cluster", "cluster", "sticky"])
    parser.add_argument("--deploy", nargs="+", choices=["parallel", "plain"], default=["parallel", "plain"])
    parser.add_argument("--out", default="build/bench-upgrade.json")
    args = parser.parse_args(argv)
    for variant in ("shop", "shop-v2"):
        build(variant, WARS)
    rows = []
    for strategy in args.strategy:
        settings = {"tomcat_ha_balancer": args.balancer, "tomcat_ha_strategy": strategy}
        for parallel in [deploy == "parallel" for deploy in args.deploy]:
            row = {"balancer": args.balancer, "strategy": strategy, **measure(settings, parallel)}
            rows.append(row)
            print(json.dumps(row), flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(rows, indent=1))
    header = ("strategy", "deploy", "requests", "failed", "sessions lost", "logged out", "updates lost", "stall s")
    print(" | ".join(header))
    for row in rows:
        print(
            " | ".join(
                str(v)
                for v in (
                    row["strategy"],
                    row["deploy"],
                    row["requests"],
                    row["failed"],
                    row["sessions_lost"],
                    row["users_logged_out"],
                    row["updates_lost"],
                    row["longest_stall_s"],
                )
            )
            + f" | newcomers {row['newcomers'] - row['newcomers_failed']}/{row['newcomers']} whole"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

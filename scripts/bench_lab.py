# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: the playbooks on a container lab of their own, each against its floor.

Usage: .venv/bin/python scripts/bench_lab.py [--rounds 3] [--fresh-rounds 1] [--no-fresh] [--paths]
Needs the lab images (make image). Brings up a lab named sessionlabbench (its own containers and network),
and removes it at the end. Prints one table:
- converge of fresh hosts (site.yml, the cluster behind nginx) against the raw install floor: apt-get install
  of the same packages on fresh hosts of the same image, in parallel;
- the idempotent rerun of site.yml against the floor of as many trivial task runs (stat) on the same hosts
  (the rerun's ok results, spread evenly), each ratio taken in one round (the rerun, then its floor);
- the same rerun with Mitogen (make lab's default) against a plain rerun of the same round;
- switching the balancer (nginx to httpd, then back), and verify.yml alone (the cluster, fault stop);
- the peak memory of the controller (its largest process) and of each Tomcat.
With --paths, instead: the converge of fresh hosts (site.yml, the cluster behind nginx) on each path a user
takes, each with a full package cache: through Docker or over SSH with become, two or four backends, Debian 12
or 13 (the trixie image is built first when missing).
Each figure is the median of its rounds. A benchmark, not a test: it stops only when a playbook fails.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lab.hosts import INVENTORY, lab_cache_dir, lab_hosts, lab_release, release_default, release_problem  # noqa: E402

LAB = "sessionlabbench"
# lab.hosts names the containers from SESSIONLAB_LAB, as the playbooks do.
os.environ["SESSIONLAB_LAB"] = LAB
ENV = dict(os.environ, ANSIBLE_FORCE_COLOR="0", PYTHONUNBUFFERED="1")
# A scenario's own hosts file (LAB_INVENTORY, as lab.hosts reads it) comes before the lab's inventory.
HOSTS = ["-i", str(INVENTORY), "-i", "lab/inventory"] if os.environ.get("LAB_INVENTORY") else []
CLUSTER = [*HOSTS, "-e", "tomcat_ha_balancer=nginx", "-e", "tomcat_ha_strategy=cluster"]
# --paths: label and environment of each path; four backends are the four_backends scenario's hosts.
PATHS = [
    ("Docker, 2 backends, Debian 12", {}),
    ("SSH with become, 2 backends, Debian 12", {"LAB_CONNECTION": "ssh"}),
    ("Docker, 4 backends, Debian 12", {"LAB_INVENTORY": str(ROOT / "molecule/four_backends/inventory/hosts.yml")}),
    ("Docker, 2 backends, Debian 13", {"LAB_RELEASE": "trixie"}),
]
RECAP_OK = re.compile(r"^\S+\s+: ok=(\d+)", re.MULTILINE)
# The lab's Debian release (LAB_RELEASE, as make lab takes it), and the OpenJDK and Tomcat site.yml installs there.
if problem := release_problem():
    sys.exit(f"bench: {problem}")
RELEASE = lab_release()
JDK, TOMCAT = release_default("jdk"), f"tomcat{release_default('tomcat')}"
# What site.yml installs on a fresh host of the lab image, per inventory group, for the raw install floor.
PACKAGES = {"backends": [f"openjdk-{JDK}-jre-headless", TOMCAT, "nftables"], "balancers": ["nginx"]}


def mitogen_env() -> dict[str, str]:
    """ENV with the Mitogen strategy (as make lab sets it by default), from the pinned mitogen in .venv."""
    import ansible_mitogen  # optional: only this figure needs it

    plugins = Path(ansible_mitogen.__file__).parent / "plugins" / "strategy"
    return dict(ENV, ANSIBLE_STRATEGY="mitogen_linear", ANSIBLE_STRATEGY_PLUGINS=str(plugins))


def playbook(*args: str, env: dict[str, str] | None = None) -> tuple[float, str]:
    """Run ansible-playbook from the checkout; its time and output. A failed playbook ends the benchmark."""
    started = time.monotonic()
    command = ["ansible-playbook", *args]
    done = subprocess.run(command, cwd=ROOT, env=env or ENV, capture_output=True, text=True, check=False)
    took = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(f"bench: ansible-playbook {' '.join(args)} failed:\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
    return took, done.stdout


def lab_up() -> float:
    return playbook("lab/playbooks/lab_up.yml", *HOSTS)[0]


def lab_down() -> None:
    playbook("lab/playbooks/lab_down.yml", *HOSTS)


def warm_package_cache() -> None:
    """Fill the bench lab's package cache once, untimed, so that the floor and the converge both find it full."""
    cache = lab_cache_dir() / "apt" / RELEASE / LAB
    if not all(any((cache / name).glob("*.deb")) for name in lab_hosts()):
        lab_up()
        install_floor()
        lab_down()


def install_floor() -> float:
    """apt-get install of site.yml's packages on the fresh hosts, all at once: what no playbook can beat."""
    jobs = [(c, pkgs) for group, pkgs in PACKAGES.items() for c in lab_hosts(group).values()]
    command = "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "

    def install(job):
        container, pkgs = job
        script = command + " ".join(pkgs)
        subprocess.run(["docker", "exec", container, "sh", "-c", script], check=True, capture_output=True)

    started = time.monotonic()
    with ThreadPoolExecutor(len(jobs)) as pool:
        list(pool.map(install, jobs))
    return time.monotonic() - started


def trivial_floor(tasks: int) -> float:
    """A play of as many stat tasks as the rerun had, on every lab host: the cost of running a task at all."""
    with tempfile.NamedTemporaryFile("w", suffix=".yml", dir=ROOT / "build", delete=False) as fh:
        fh.write("- name: Floor\n  hosts: all:!localhost\n  gather_facts: false\n  tasks:\n")
        for n in range(tasks):
            fh.write(f"    - name: Stat {n}\n      ansible.builtin.stat:\n        path: /etc/hostname\n")
    try:
        return playbook(fh.name)[0]
    finally:
        os.unlink(fh.name)


def tomcat_peak_mib() -> list[str]:
    """Each backend's Tomcat: its JVM's peak resident memory (VmHWM), in MiB."""
    figures = []
    for name, container in lab_hosts("backends").items():
        script = f"grep VmHWM /proc/$(systemctl show -p MainPID --value {TOMCAT})/status"
        command = ["docker", "exec", container, "sh", "-c", script]
        out = subprocess.run(command, capture_output=True, text=True, check=False)
        kib = re.search(r"(\d+)\s*kB", out.stdout)
        figures.append(f"{name.split('.')[0]} {int(kib.group(1)) / 1024:.0f}" if kib else f"{name} ?")
    return figures


def median(values: list[float]) -> str:
    return f"{statistics.median(values):.1f}"


def fresh_converge() -> float:
    """One converge of fresh hosts with a full package cache, the lab removed afterwards."""
    warm_package_cache()
    lab_down()
    lab_up()
    try:
        return playbook("site.yml", *CLUSTER)[0]
    finally:
        lab_down()


def paths(rounds: int) -> int:
    """The fresh converge on each path, each path in a process of its own (the lab's settings are read at start)."""
    print("| converge of fresh hosts (site.yml, cluster behind nginx) | median, s | ratio to the first |")
    print("|---|---|---|")
    first = None
    for label, env in PATHS:
        # make bench built the image of the lab's release (RELEASE); a path on another release builds its own.
        if env.get("LAB_RELEASE", RELEASE) != RELEASE:
            subprocess.run(["lab/images/build.sh"], cwd=ROOT, env=dict(ENV, **env), check=True, capture_output=True)
        took = []
        for _round in range(rounds):
            command = [sys.executable, __file__, "--converge-once"]
            done = subprocess.run(command, cwd=ROOT, env=dict(ENV, **env), capture_output=True, text=True, check=False)
            if done.returncode != 0:
                sys.exit(f"bench: the converge on {label} failed:\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
            took.append(float(done.stdout.split()[-1]))
        first = first or statistics.median(took)
        print(f"| {label} | {median(took)} | {statistics.median(took) / first:.2f} |", flush=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the rerun, the switch and verify.yml")
    parser.add_argument("--fresh-rounds", type=int, default=1, help="rounds of the fresh converge and its floor")
    parser.add_argument("--no-fresh", action="store_true", help="skip the fresh converge (reuse a converged lab)")
    parser.add_argument("--paths", action="store_true", help="only the fresh converge on each path (see above)")
    parser.add_argument("--converge-once", action="store_true", help=argparse.SUPPRESS)
    opts = parser.parse_args()
    (ROOT / "build").mkdir(exist_ok=True)
    if opts.converge_once:
        print(f"{fresh_converge():.1f}")
        return 0
    if opts.paths:
        return paths(opts.fresh_rounds)
    rows = []
    try:
        if not opts.no_fresh:
            converge, floor = [], []
            warm_package_cache()
            for _round in range(opts.fresh_rounds):
                lab_down()
                lab_up()
                floor.append(install_floor())
                lab_down()
                lab_up()
                converge.append(playbook("site.yml", *CLUSTER)[0])
            ratio = statistics.median(c / f for c, f in zip(converge, floor, strict=True))
            label = "converge of fresh hosts (site.yml, cluster), s"
            rows.append((label, median(converge), median(floor), f"{ratio:.2f}"))
        else:
            lab_up()
            playbook("site.yml", *CLUSTER)
        reruns, floors, ratios, tasks = [], [], [], 0
        for _round in range(opts.rounds):
            took, out = playbook("site.yml", *CLUSTER)
            # As many task runs as the rerun made (ok, changed included), spread over every host.
            done = [int(n) for n in RECAP_OK.findall(out)]
            tasks = round(sum(done) / len(done))
            floor = trivial_floor(tasks)
            reruns.append(took)
            floors.append(floor)
            ratios.append(took / floor)
        label = f"idempotent rerun of site.yml (floor: {tasks} stat tasks on each host), s"
        rows.append((label, median(reruns), median(floors), f"{statistics.median(ratios):.2f}"))
        # The same rerun with Mitogen, each against a plain rerun of the same round.
        accelerated, plain, ratios = [], [], []
        for _round in range(opts.rounds):
            accelerated.append(playbook("site.yml", *CLUSTER, env=mitogen_env())[0])
            plain.append(playbook("site.yml", *CLUSTER)[0])
            ratios.append(accelerated[-1] / plain[-1])
        label = "idempotent rerun with Mitogen (make lab's default; floor: the plain rerun), s"
        rows.append((label, median(accelerated), median(plain), f"{statistics.median(ratios):.2f}"))
        switches = []
        for _round in range(opts.rounds):
            for balancer in ("httpd", "nginx"):
                strategy = "sticky_cluster" if balancer == "httpd" else "cluster"
                args = ["-e", f"tomcat_ha_balancer={balancer}", "-e", f"tomcat_ha_strategy={strategy}"]
                switches.append(playbook("site.yml", *args)[0])
        rows.append(("switch the balancer (nginx <-> httpd), s", median(switches), "", ""))
        verifies = [playbook("playbooks/verify.yml", *CLUSTER)[0] for _round in range(opts.rounds)]
        rows.append(("verify.yml alone (cluster, fault stop, with load), s", median(verifies), "", ""))
        controller = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        rows.append(("peak memory, controller (largest process), MiB", f"{controller:.0f}", "", ""))
        rows.append(("peak memory, each Tomcat (VmHWM), MiB", ", ".join(tomcat_peak_mib()), "", ""))
    finally:
        lab_down()
    print("| figure | median | floor | ratio |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`make lab` and `make faults`: bring the local lab up, run experiments on the same hosts, print the table.

make lab runs the experiments of lab/experiments.yml in turn: each reconfigures the lab with site.yml (balancer
and strategy) and runs verify.yml (the quiet probes, and the load through the fault). make faults (--faults)
provisions each setup of the fault matrix once and runs verify.yml once per fault.
Logs go to <report dir>/logs/, results to <report dir>/results/, the report to report.md or faults.md.
Exit status: 0 when every run matched its expectation.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import write_report  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LAB = ROOT / "lab"


def say(msg: str) -> None:
    print(msg, flush=True)


def run_stage(label: str, args: list[str], log: Path) -> tuple[bool, float]:
    started = time.monotonic()
    with log.open("w") as fh:
        rc = subprocess.call(["ansible-playbook", *args], cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT)
    took = time.monotonic() - started
    say(f"    {label}: {'ok' if rc == 0 else 'FAILED'} ({took:.0f} s){'' if rc == 0 else ', read ' + str(log)}")
    return rc == 0, took


def plan(opts, data: dict) -> list[dict]:
    """The runs in order: {name, balancer, strategy, fault, provision (bool: site.yml before it)}."""
    if opts.faults:
        runs = []
        for setup in data["lab_fault_matrix"]:
            for n, fault in enumerate(setup["faults"]):
                name = f"{setup['balancer']}-{setup['strategy']}-{fault}"
                runs.append({"name": name, **{k: setup[k] for k in ("balancer", "strategy")}, "fault": fault})
                runs[-1]["provision"] = n == 0
    else:
        runs = [dict(e, provision=True) for e in data["lab_experiments"]]
    if opts.only:
        unknown = set(opts.only) - {r["name"] for r in runs}
        if unknown:
            raise SystemExit(
                f"lab: unknown run {', '.join(sorted(unknown))}: pick from " + ", ".join(r["name"] for r in runs)
            )
        kept = [r for r in runs if r["name"] in opts.only]
        for r in kept:
            r["provision"] = True
        runs = kept
    return runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faults", action="store_true", help="run the fault matrix (make faults)")
    parser.add_argument("--only", action="append", help="run only this experiment or cell (repeatable)")
    parser.add_argument("--report-dir", default=str(ROOT / "lab-report"))
    opts = parser.parse_args()

    out = Path(opts.report_dir).resolve()
    logs, results_dir, state = out / "logs", out / "results", out / "state"
    for d in (logs, results_dir, state):
        d.mkdir(parents=True, exist_ok=True)
    runs = plan(opts, yaml.safe_load((LAB / "experiments.yml").read_text()))
    for r in runs:
        (results_dir / f"{r['name']}.json").unlink(missing_ok=True)

    timings: dict[str, float] = {}
    t_all = time.monotonic()
    say("lab: starting the lab hosts")
    ok, timings["lab up"] = run_stage(
        "lab up", ["lab/playbooks/lab_up.yml", "-e", f"lab_state_dir={state}"], logs / "lab_up.log"
    )
    if not ok:
        return 1
    for h in json.loads((state / "hosts.json").read_text()):
        say(f"    {h['host']:<20} {h['address']:<15} (container {h['container']})")

    results = []
    provisioned = True
    for n, run in enumerate(runs, 1):
        name = run["name"]
        say(f"lab: [{n}/{len(runs)}] {name} ({run['balancer']}, strategy {run['strategy']}, fault {run['fault']})")
        extra = ["-e", f"tomcat_ha_balancer={run['balancer']}", "-e", f"tomcat_ha_strategy={run['strategy']}"]
        if run["provision"]:
            provisioned, timings[f"{name} provision"] = run_stage(
                "provision", ["site.yml", *extra], logs / f"{name}.provision.log"
            )
        if not provisioned:
            results.append(
                {"experiment": name, **run, "error": f"provision failed, read {logs / (name + '.provision.log')}"}
            )
            continue
        ok, timings[f"{name} verify"] = run_stage(
            "verify",
            [
                "playbooks/verify.yml",
                *extra,
                "-e",
                f"tomcat_ha_fault={run['fault']}",
                "-e",
                f"tomcat_ha_experiment={name}",
                "-e",
                f"tomcat_ha_report_dir={out}",
            ],
            logs / f"{name}.verify.log",
        )
        result_file = results_dir / f"{name}.json"
        if result_file.exists():
            result = json.loads(result_file.read_text())
            if not ok and result["verdict"]["matched"]:
                # The verdict matched, but another stage (e.g. restoring the backend) failed: not a clean run.
                result["stage_error"] = f"verify failed, read {logs / (name + '.verify.log')}"
            results.append(result)
        else:
            results.append({"experiment": name, **run, "error": f"verify failed, read {logs / (name + '.verify.log')}"})

    timings["total"] = time.monotonic() - t_all
    kind = "faults" if opts.faults else "report"
    title = "Fault matrix" if opts.faults else "Session persistence lab report"
    table = write_report(results, out, timings, name=kind, title=title)
    say("")
    say(table)
    say("")
    matched = sum(1 for r in results if r.get("verdict", {}).get("matched") and not r.get("stage_error"))
    say(
        f"lab: {matched} of {len(results)} runs matched their expectation in {timings['total']:.0f} s; "
        f"report: {out / (kind + '.md')}"
    )
    return 0 if matched == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())

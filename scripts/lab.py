"""`make lab`: bring the local lab up, run every experiment in turn on the same hosts, print the table.

Each experiment reconfigures the lab with site.yml (balancer and strategy) and runs verify.yml, which
probes through the balancer, faults the backend that served the session, probes again and restores it.
Logs go to lab-report/logs/, results to lab-report/results/, the report to lab-report/report.md.
Exit status: 0 when every experiment matched its expectation.
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
from lab_report import write_report  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def say(msg: str) -> None:
    print(msg, flush=True)


def run_stage(label: str, args: list[str], log: Path) -> tuple[bool, float]:
    started = time.monotonic()
    with log.open("w") as fh:
        rc = subprocess.call(["ansible-playbook", *args], cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT)
    took = time.monotonic() - started
    say(f"    {label}: {'ok' if rc == 0 else 'FAILED'} ({took:.0f} s){'' if rc == 0 else ', read ' + str(log)}")
    return rc == 0, took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="run only this experiment (repeatable)")
    parser.add_argument("--report-dir", default=str(ROOT / "lab-report"))
    opts = parser.parse_args()

    out = Path(opts.report_dir).resolve()
    logs, results_dir = out / "logs", out / "results"
    for d in (logs, results_dir):
        d.mkdir(parents=True, exist_ok=True)
    for old in results_dir.glob("*.json"):
        old.unlink()

    experiments = yaml.safe_load((ROOT / "playbooks/vars/experiments.yml").read_text())["tomcat_ha_experiments"]
    if opts.only:
        unknown = set(opts.only) - {e["name"] for e in experiments}
        if unknown:
            say(
                f"lab: unknown experiment {', '.join(sorted(unknown))}: pick from "
                + ", ".join(e["name"] for e in experiments)
            )
            return 2
        experiments = [e for e in experiments if e["name"] in opts.only]

    timings: dict[str, float] = {}
    t_all = time.monotonic()
    say("lab: starting the lab hosts")
    ok, timings["lab up"] = run_stage("lab up", ["playbooks/lab_up.yml"], logs / "lab_up.log")
    if not ok:
        return 1
    hosts = subprocess.run(
        ["docker", "ps", "--filter", "label=sessionlab.lab", "--format", '{{.Label "sessionlab.host"}}\t{{.Names}}'],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split("\n")
    for line in sorted(h for h in hosts if h):
        name, container = line.split("\t")
        addr = subprocess.run(
            ["docker", "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", container],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        say(f"    {name:<20} {addr:<15} (container {container})")

    results = []
    for n, exp in enumerate(experiments, 1):
        name = exp["name"]
        say(f"lab: [{n}/{len(experiments)}] {name} ({exp['balancer']}, strategy {exp['strategy']})")
        extra = ["-e", f"tomcat_ha_balancer={exp['balancer']}", "-e", f"tomcat_ha_strategy={exp['strategy']}"]
        ok, timings[f"{name} provision"] = run_stage("provision", ["site.yml", *extra], logs / f"{name}.provision.log")
        if not ok:
            results.append(
                {"experiment": name, **exp, "error": f"provision failed, read {logs / (name + '.provision.log')}"}
            )
            continue
        ok, timings[f"{name} verify"] = run_stage(
            "verify",
            ["playbooks/verify.yml", *extra, "-e", f"tomcat_ha_experiment={name}", "-e", f"tomcat_ha_report_dir={out}"],
            logs / f"{name}.verify.log",
        )
        result_file = results_dir / f"{name}.json"
        if result_file.exists():
            result = json.loads(result_file.read_text())
            if not ok:
                # The comparison ran, but another stage (e.g. restoring the backend) failed: not a clean run.
                result["matched"] = False
                result["stage_error"] = f"verify failed, read {logs / (name + '.verify.log')}"
            results.append(result)
        else:
            results.append({"experiment": name, **exp, "error": f"verify failed, read {logs / (name + '.verify.log')}"})

    timings["total"] = time.monotonic() - t_all
    table = write_report(results, out, timings)
    say("")
    say(table)
    say("")
    matched = sum(1 for r in results if r.get("matched"))
    say(
        f"lab: {matched} of {len(results)} experiments matched their expectation in {timings['total']:.0f} s; "
        f"report: {out / 'report.md'}"
    )
    return 0 if matched == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())

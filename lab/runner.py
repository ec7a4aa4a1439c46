"""python -m lab (make lab, make faults): bring the local lab up, run experiments on the same hosts, print the table.

make lab runs the experiments of lab/experiments.yml: each reconfigures a lab with site.yml (balancer and
strategy) and runs verify.yml (the quiet probes, and the load through the fault). make faults (--faults)
provisions each setup of the fault matrix once and runs verify.yml once per fault. The work is shared out to
--parallel labs side by side (LAB_PARALLEL, default 1), each five containers on a network of its own.
Logs go to <report dir>/logs/, results to <report dir>/results/, the report to report.md or faults.md.
Exit status: 0 when every run matched its expectation.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import threading
import time
from argparse import Namespace
from pathlib import Path

import yaml

from lab.hosts import RELEASES, lab_name, lab_release, release_problem
from lab.report import write_index, write_report
from lab.screenshots import Browser, missing

ROOT = Path(__file__).resolve().parent.parent
LAB = ROOT / "lab"


SAY = threading.Lock()


def say(msg: str) -> None:
    with SAY:
        print(msg, flush=True)


def run_stage(label: str, args: list[str], log: Path, lab: str, watch=None) -> tuple[bool, float]:
    """Run one playbook into its log; watch(log, process), when given, runs while the playbook does."""
    started = time.monotonic()
    # Unbuffered, so that the log shows each task as it starts (watch reads it).
    env = dict(os.environ, SESSIONLAB_LAB=lab, PYTHONUNBUFFERED="1")
    with log.open("w") as fh:
        process = subprocess.Popen(["ansible-playbook", *args], cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, env=env)
        if watch is not None:
            watch(log, process)
        rc = process.wait()
    took = time.monotonic() - started
    say(f"    [{lab}] {label}: {'ok' if rc == 0 else 'FAILED'} ({took:.0f} s){'' if rc == 0 else ', read ' + str(log)}")
    return rc == 0, took


def plan(opts, data: dict) -> list[list[dict]]:
    """The work in units that must run in order on one lab: a unit is one experiment (make lab) or one setup
    with its faults (make faults). Each run is {name, balancer, strategy, fault, provision, hold?}."""
    if opts.app:
        # The operator's application: the pre-check on a backend without a cluster, then the recommended setups
        # through every fault kind.
        check = dict(data["lab_app_precheck"], name="app-precheck", fault="precheck", precheck=True, provision=True)
        units = [[check]]
        for setup in data["lab_app_matrix"]:
            runs = [
                {
                    "name": f"app-{setup['balancer']}-{setup['strategy']}-{fault}",
                    "balancer": setup["balancer"],
                    "strategy": setup["strategy"],
                    "fault": fault,
                    "provision": n == 0,
                }
                for n, fault in enumerate(setup["faults"])
            ]
            units.append(runs)
    elif opts.faults:
        units = []
        for setup in data["lab_fault_matrix"]:
            unit = []
            for n, fault in enumerate(setup["faults"]):
                name = f"{setup['balancer']}-{setup['strategy']}-{fault}"
                unit.append(
                    {"name": name, "balancer": setup["balancer"], "strategy": setup["strategy"], "fault": fault}
                )
                unit[-1]["provision"] = n == 0
            units.append(unit)
    else:
        defaults = data.get("lab_experiment_defaults", {})
        units = [[dict(defaults, **e, provision=True)] for e in data["lab_experiments"]]
        # Run the experiments without a cluster first, each group by balancer: every switch of the cluster
        # setting restarts both backends, every switch of balancer stops one and starts the other. The report
        # keeps the order of lab/experiments.yml.
        strategies = yaml.safe_load((ROOT / "playbooks" / "vars" / "strategies.yml").read_text())[
            "tomcat_ha_strategies"
        ]
        units.sort(key=lambda unit: (strategies[unit[0]["strategy"]]["cluster"], unit[0]["balancer"]))
    if opts.only:
        known = [r["name"] for unit in units for r in unit]
        unknown = set(opts.only) - set(known)
        if unknown:
            raise SystemExit(f"lab: unknown run {', '.join(sorted(unknown))}: pick from " + ", ".join(known))
        units = [[dict(r, provision=True) for r in unit if r["name"] in opts.only] for unit in units]
        units = [unit for unit in units if unit]
    if opts.repeat > 1:
        # Every round runs the whole plan again, the rounds one after the other, so a run's repeats are spread
        # over the session rather than back to back; each run is named <name>.run<round>.
        units = [
            [dict(r, name=f"{r['name']}.run{round_}", base=r["name"], round=round_) for r in unit]
            for round_ in range(1, opts.repeat + 1)
            for unit in units
        ]
    return units


def changed_verdicts(results: list[dict]) -> dict[str, list[str]]:
    """Per run repeated with REPEAT, its verdicts in order ("matched", or what missed), when they differ."""
    verdicts: dict[str, list[str]] = {}
    for r in results:
        verdict = r.get("verdict") or {}
        word = (
            "matched"
            if verdict.get("matched") and not r.get("stage_error")
            else (verdict.get("text") or r.get("stage_error") or r.get("error") or "no verdict")
        )
        verdicts.setdefault(r.get("base", r["experiment"]), []).append(word)
    return {name: words for name, words in verdicts.items() if len(set(words)) > 1}


def share(units: list[list[dict]], labs: int) -> list[list[list[dict]]]:
    """Deal the units out to the labs, the largest first, each to the lab with the least work so far."""
    shares: list[list[list[dict]]] = [[] for _lab in range(labs)]
    for unit in sorted(units, key=len, reverse=True):
        min(shares, key=lambda s: sum(len(u) for u in s)).append(unit)
    return [s for s in shares if s]


def lab_names(count: int) -> list[str]:
    """The labs' names: SESSIONLAB_LAB (sessionlab by default), then the same name numbered from 2."""
    return [lab_name() if i == 0 else f"{lab_name()}{i + 1}" for i in range(count)]


def observer(browser, url: str, requests: Path, folder: Path, name: str, shots: dict):
    """A run_stage watch: the screenshots verify.yml asks for (its verification_observer_dir), in turn with its
    probe. verify.yml asks only once the probe's requests are done and hands over the probe's cookies, so the
    browser's request never lands between two of the probe's; it waits for <point>.done before it goes on."""

    def watch(log: Path, process: subprocess.Popen) -> None:
        del log
        seen: set[str] = set()
        while process.poll() is None:
            for request in sorted(requests.glob(f"{name}.*.request")):
                point = request.name[len(name) + 1 : -len(".request")]
                if point in seen:
                    continue
                try:
                    asked = json.loads(request.read_text())
                except ValueError:
                    continue  # still being written: read it on the next look
                seen.add(point)
                if asked.get("skip"):
                    shots[point] = {"label": asked["label"], "file": None, "status": None, "error": asked["skip"]}
                    continue
                browser.set_cookies(url, asked.get("cookies") or {})
                shots[point] = {"label": asked["label"], **browser.shot(url, folder / f"{name}.{point}.png")}
                (requests / f"{name}.{point}.done").write_text(json.dumps(shots[point]) + "\n")
            time.sleep(0.1)

    return watch


def run_lab(
    lab: str,
    units: list[list[dict]],
    out: Path,
    results: dict,
    timings: dict,
    screenshots: bool,
    app: dict | None = None,
) -> None:
    """Bring one lab up and run its units in turn; results and timings are filled by run name. With app
    ({vars_file, page}), every playbook gets the application's variables and the browser looks at its page."""
    logs, results_dir, state = out / "logs", out / "results", out / "state" / lab
    state.mkdir(parents=True, exist_ok=True)
    ok, timings[f"{lab} up"] = run_stage(
        "lab up", ["lab/playbooks/lab_up.yml", "-e", f"lab_state_dir={state}"], logs / f"{lab}.lab_up.log", lab
    )
    if not ok:
        for run in (r for unit in units for r in unit):
            results[run["name"]] = {"experiment": run["name"], **run, "error": f"{lab} did not come up"}
        return
    hosts = json.loads((state / "hosts.json").read_text())
    for h in hosts:
        say(f"    [{lab}] {h['host']:<20} {h['address']:<15} (container {h['container']})")
    # The browser goes to the balancer's own address on the lab network (the first balancer of the inventory).
    inventory = yaml.safe_load((LAB / "inventory" / "hosts.yml").read_text())
    first_balancer = next(iter(inventory["all"]["children"]["balancers"]["hosts"]))
    balancer = next(h["address"] for h in hosts if h["host"] == first_balancer)
    for unit in units:
        provisioned = True
        for run in unit:
            name = run["name"]
            say(f"lab: [{lab}] {name} ({run['balancer']}, strategy {run['strategy']}, fault {run['fault']})")
            extra = ["-e", f"tomcat_ha_balancer={run['balancer']}", "-e", f"tomcat_ha_strategy={run['strategy']}"]
            # An experiment of lab/experiments.yml may run an application of the lab's own (the shop).
            run_app = app or (experiment_application(run["app"], out, name) if run.get("app") else None)
            if run_app:
                extra += ["-e", f"@{run_app['vars_file']}"]
            if run["provision"]:
                provisioned, timings[f"{name} provision"] = run_stage(
                    "provision", ["site.yml", *extra], logs / f"{name}.provision.log", lab
                )
            if not provisioned:
                error = f"provision failed, read {logs / (name + '.provision.log')}"
                results[name] = {"experiment": name, **run, "error": error}
                continue
            if run.get("precheck"):
                precheck = ["playbooks/precheck.yml", *extra, "-e", f"tomcat_ha_experiment={name}"]
                precheck += ["-e", f"tomcat_ha_report_dir={out}"]
                ok, timings[f"{name} precheck"] = run_stage("precheck", precheck, logs / f"{name}.precheck.log", lab)
                result_file = results_dir / f"{name}.json"
                results[name] = (
                    json.loads(result_file.read_text())
                    if result_file.exists()
                    else {
                        "experiment": name,
                        **run,
                        "error": f"the pre-check did not run, read {logs / (name + '.precheck.log')}",
                    }
                )
                continue
            verify = ["playbooks/verify.yml", *extra, "-e", f"tomcat_ha_fault={run['fault']}"]
            verify += ["-e", f"tomcat_ha_experiment={name}", "-e", f"tomcat_ha_report_dir={out}"]
            for key in ("hold", "lead", "tail"):
                if key in run:
                    verify += ["-e", f"tomcat_ha_{'fault' if key == 'hold' else 'load'}_{key}={run[key]}"]
            shots: dict = {}
            browser = start_browser(lab, name) if screenshots else None
            watch = None
            if browser is not None:
                url = f"http://{balancer}{run_app['page'] if run_app else '/'}"
                before = browser.shot(url, out / "screenshots" / f"{name}.before.png")
                shots["before"] = {"label": "before the fault", **before}
                requests = out / "observer"
                for old in requests.glob(f"{name}.*"):
                    old.unlink()
                watch = observer(browser, url, requests, out / "screenshots", name, shots)
                # The probe continues the browser's session, so the fault hits the backend the browser is on; the
                # browser looks again only when verify.yml asks, in turn with the probe.
                verify += ["-e", json.dumps({"tomcat_ha_probe_cookies": browser.cookies()})]
                verify += ["-e", f"tomcat_ha_observer_dir={requests}"]
            try:
                ok, timings[f"{name} verify"] = run_stage("verify", verify, logs / f"{name}.verify.log", lab, watch)
            finally:
                if browser is not None:
                    browser.close()
            result_file = results_dir / f"{name}.json"
            if result_file.exists():
                result = json.loads(result_file.read_text())
                result["base"] = run.get("base", name)
                result["screenshots"] = shots if screenshots else None
                if not ok and result["verdict"]["matched"]:
                    # The verdict matched, but another stage (e.g. restoring the backend) failed: not a clean run.
                    result["stage_error"] = f"verify failed, read {logs / (name + '.verify.log')}"
                results[name] = result
            else:
                error = f"verify failed, read {logs / (name + '.verify.log')}"
                results[name] = {"experiment": name, **run, "error": error}


@contextlib.contextmanager
def busy_cpus(workers: int):
    """Keep WORKERS CPU workers of stress-ng busy (the machine's other work, as on a busy laptop or CI runner) for
    as long as the block runs; yields the note for the summary line. Bounded: stress-ng stops by itself after six
    hours, and is stopped as the block ends."""
    if not workers:
        yield ""
        return
    stress = shutil.which("stress-ng")
    if stress is None:
        raise SystemExit("lab: BUSY needs stress-ng: run make prereq, or install it (apt-get install stress-ng).")
    process = subprocess.Popen(
        [stress, "--cpu", str(workers), "--timeout", "6h", "--quiet"], stdout=subprocess.DEVNULL, start_new_session=True
    )
    say(f"lab: {workers} CPU workers of stress-ng keep the machine busy (pid {process.pid})")
    try:
        yield f", with {workers} CPU workers of stress-ng busy the whole time"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def start_browser(lab: str, name: str):
    """A headless Chromium for one run, or None (said once per run) when it does not start."""
    try:
        return Browser()
    except Exception as exc:  # noqa: BLE001 - no screenshots is a note in the report, not a failed run
        say(f"    [{lab}] {name}: no screenshots, Chromium did not start: {str(exc).splitlines()[0]}")
        return None


def experiment_application(app: dict, out: Path, name: str) -> dict:
    """An experiment's application (lab/experiments.yml: war, flow, context, health, session_classes), as
    application()."""
    options = Namespace(
        app=app["war"],
        flow=app["flow"],
        context=app.get("context"),
        health=app.get("health"),
        session_classes=app.get("session_classes", []),
    )
    return application(options, out, name)


class AppError(ValueError):
    """An application make lab-app cannot run (one sentence)."""


def application(opts, out: Path, name: str = "app") -> dict:
    """The operator's application as the playbooks take it: tomcat_ha_apps with its WAR, and tomcat_ha_flow with
    every relative path put under its context, in <out>/<name>-vars.json; {vars_file, war, page}. opts has app,
    flow, context and session_classes."""
    war = Path(opts.app).resolve()
    if not war.is_file():
        raise AppError(
            f"WAR must be a WAR file, got {opts.app!r} (no such file): give its path (make lab-app WAR=...)."
        )
    if not opts.flow or not Path(opts.flow).is_file():
        raise AppError(
            f"FLOW must be a YAML file of the flow its users follow, got {opts.flow!r}: see docs/your-application.md."
        )
    flow = yaml.safe_load(Path(opts.flow).read_text())
    # The same file serves verify.yml's -e @flow.yml, which reads tomcat_ha_flow.
    if isinstance(flow, dict):
        flow = flow.get("flow", flow.get("tomcat_ha_flow"))
    if not isinstance(flow, list) or not flow or not all(isinstance(step, dict) for step in flow):
        raise AppError(
            f"{opts.flow} must hold a list of steps (or a mapping with flow: or tomcat_ha_flow:), as session_load's "
            "flow option takes."
        )
    context = opts.context or f"/{war.stem}"
    if not context.startswith("/"):
        raise AppError(f"CONTEXT must be a path starting with /, got {context!r}.")
    prefix = context.rstrip("/")
    steps = [
        dict(
            step, path=step["path"] if str(step.get("path", "")).startswith("/") else f"{prefix}/{step.get('path', '')}"
        )
        for step in flow
    ]
    entry = {"context": context, "war": str(war)}
    if opts.health:
        entry["health_path"] = opts.health
    if opts.session_classes:
        entry["session_classes"] = opts.session_classes
    variables = {"tomcat_ha_apps": [entry], "tomcat_ha_flow": steps}
    vars_file = out / f"{name}-vars.json"
    vars_file.write_text(json.dumps(variables, indent=2) + "\n")
    # The browser looks at the flow's first page that a GET shows (a view), or the context's root.
    gets = [step["path"] for step in steps if step.get("method", "GET").upper() == "GET"]
    return {"vars_file": vars_file, "war": opts.app, "page": gets[0] if gets else f"{prefix}/"}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m lab", description=__doc__.splitlines()[0])
    parser.add_argument("--faults", action="store_true", help="run the fault matrix (make faults)")
    parser.add_argument("--app", help="a WAR of your own: pre-check it, then run it through the recommended setups")
    parser.add_argument("--flow", help="with --app: a YAML file of the flow its users follow (session_load's flow)")
    parser.add_argument("--context", help="with --app: its context path (default: /<the WAR's name>)")
    parser.add_argument(
        "--health",
        help="with --app: the path, below its context, that answers 200 once it serves (default: the context's root)",
    )
    parser.add_argument(
        "--session-classes",
        action="append",
        default=[],
        help="with --app: a regex of its own session attribute classes the cluster may replicate (repeatable)",
    )
    parser.add_argument("--only", action="append", help="run only this experiment or cell (repeatable)")
    parser.add_argument("--report-dir", default=str(ROOT / "lab-report"))
    parser.add_argument(
        "--parallel",
        type=int,
        default=int(os.environ.get("LAB_PARALLEL", "1")),
        help="how many labs run side by side (default 1, or LAB_PARALLEL)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=int(os.environ.get("REPEAT") or 1),
        help="run each experiment or cell this many times and report any verdict that changed (default 1, or REPEAT)",
    )
    parser.add_argument(
        "--busy",
        type=int,
        default=int(os.environ.get("BUSY") or 0),
        help="keep this many CPU workers of stress-ng busy the whole time (default 0, or BUSY): a busy machine",
    )
    parser.add_argument(
        "--screenshots",
        choices=("0", "1"),
        default=os.environ.get("SCREENSHOTS", "1") or "1",
        help="1 (default, or SCREENSHOTS): screenshots of the test page in headless Chromium; 0: none",
    )
    opts = parser.parse_args()
    if not 1 <= opts.repeat <= 20:
        say(f"lab: --repeat (REPEAT) must be 1 to 20, got {opts.repeat}.")
        return 2
    if not 0 <= opts.busy <= 64:
        say(f"lab: --busy (BUSY) must be 0 to 64 CPU workers, got {opts.busy}.")
        return 2
    if not 1 <= opts.parallel <= 4:
        say(f"lab: --parallel (LAB_PARALLEL) must be 1 to 4, got {opts.parallel}: each lab is five containers.")
        return 2
    connection = os.environ.get("LAB_CONNECTION", "docker")
    if connection not in ("docker", "ssh"):
        say(f"lab: LAB_CONNECTION must be docker or ssh, got {connection!r}: unset it, or set ssh to go over SSH.")
        return 2
    if problem := release_problem():
        say(f"lab: {problem}")
        return 2
    release = lab_release()
    debian = f"Debian {RELEASES[release]} ({release})"

    out = Path(opts.report_dir).resolve()
    for d in (out / "logs", out / "results", out / "state", out / "observer"):
        d.mkdir(parents=True, exist_ok=True)
    data = yaml.safe_load((LAB / "experiments.yml").read_text())
    app = None
    if opts.app:
        try:
            app = application(opts, out)
        except AppError as exc:
            say(f"lab: {exc}")
            return 2
    units = plan(opts, data)
    planned = [r for unit in units for r in unit]
    listed = [e["name"] for e in data["lab_experiments"]] if not opts.faults else []
    # The report follows lab/experiments.yml (round after round with REPEAT), whatever order the runs took.
    place = {name: n for n, name in enumerate(listed)}
    order = [
        r["name"] for r in sorted(planned, key=lambda r: (r.get("round", 1), place.get(r.get("base", r["name"]), 0)))
    ]
    for name in order:
        (out / "results" / f"{name}.json").unlink(missing_ok=True)

    screenshots = opts.screenshots == "1"
    skipped = "turned off (SCREENSHOTS=0)" if not screenshots else missing()
    if screenshots and skipped:
        say(f"lab: no screenshots: {skipped}")
        screenshots = False
    timings: dict[str, float] = {}
    results: dict[str, dict] = {}
    t_all = time.monotonic()
    shares = share(units, opts.parallel)
    labs = lab_names(len(shares))
    say(
        f"lab: {len(order)} runs on {len(labs)} lab(s) side by side: {', '.join(labs)}, "
        f"reached over {connection}, on {debian}"
    )
    workers = [
        threading.Thread(target=run_lab, args=(lab, lab_units, out, results, timings, screenshots, app), name=lab)
        for lab, lab_units in zip(labs, shares, strict=True)
    ]
    with busy_cpus(opts.busy) as busy_note:
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()

    timings["total"] = time.monotonic() - t_all
    precheck = results.pop("app-precheck", None)
    ordered = [results[name] for name in order if name in results]
    kind = "app" if app else "faults" if opts.faults else "report"
    title = (
        f"Your application, {app['war']}"
        if app
        else "Fault matrix"
        if opts.faults
        else "Session persistence lab report"
    )
    title += f", {debian}"
    table = write_report(ordered, out, timings, name=kind, title=title, screenshots_skipped=skipped)
    write_index(out)
    say("")
    say(table)
    say("")
    matched = sum(1 for r in ordered if r.get("verdict", {}).get("matched") and not r.get("stage_error"))
    changed = changed_verdicts(ordered) if opts.repeat > 1 else {}
    if opts.repeat > 1:
        say(f"lab: each run {opts.repeat} times; verdicts that changed between its runs: {len(changed) or 'none'}")
        for name, words in changed.items():
            say(f"    {name}: " + " | ".join(f"run {n}: {word}" for n, word in enumerate(words, 1)))
    if app:
        say(precheck_line(precheck))
    say(
        f"lab: {matched} of {len(ordered)} runs matched their expectation in {timings['total']:.0f} s"
        f"{busy_note}; report: {out / (kind + '.md')}, page: {out / 'index.html'}"
    )
    checked = not app or (precheck or {}).get("precheck", {}).get("matched")
    return 0 if matched == len(ordered) and not changed and checked else 1


def precheck_line(result: dict | None) -> str:
    """The pre-check's outcome in one line: what a cluster could not replicate, found without one."""
    if not result or "precheck" not in result:
        return f"lab: the pre-check did not run: {(result or {}).get('error', 'no result')}"
    verdict = result["precheck"]
    if verdict["matched"]:
        return f"lab: pre-check on {result['backend']}: every session came back whole through Tomcat's serialization"
    return f"lab: pre-check on {result['backend']} found what a cluster could not replicate: {verdict['text']}"

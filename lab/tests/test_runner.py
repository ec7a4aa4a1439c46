"""The runner's plan (REPEAT rounds), its repeat summary, and its side of verify.yml's observer handshake."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from argparse import Namespace

from lab import runner

DATA = {
    "lab_experiment_defaults": {"hold": 5},
    "lab_experiments": [
        {"name": "1-a", "balancer": "nginx", "strategy": "none", "fault": "stop"},
        {"name": "4-b", "balancer": "nginx", "strategy": "cluster", "fault": "stop"},
    ],
    "lab_fault_matrix": [{"balancer": "nginx", "strategy": "cluster", "faults": ["stop", "kill"]}],
}


def options(**kwargs):
    return Namespace(**{"faults": False, "app": None, "only": None, "repeat": 1, **kwargs})


def test_repeat_runs_the_whole_plan_round_after_round():
    units = runner.plan(options(repeat=2, only=["4-b"]), DATA)
    names = [r["name"] for unit in units for r in unit]
    assert names == ["4-b.run1", "4-b.run2"]
    assert all(r["base"] == "4-b" and r["provision"] for unit in units for r in unit)


def test_repeat_keeps_one_provision_per_setup_of_the_fault_matrix():
    units = runner.plan(options(faults=True, repeat=2), DATA)
    assert [[(r["name"], r["provision"]) for r in unit] for unit in units] == [
        [("nginx-cluster-stop.run1", True), ("nginx-cluster-kill.run1", False)],
        [("nginx-cluster-stop.run2", True), ("nginx-cluster-kill.run2", False)],
    ]


def run(base, matched, text="as expected"):
    return {"experiment": f"{base}.runX", "base": base, "verdict": {"matched": matched, "text": text}}


def test_a_verdict_that_changed_between_runs_is_reported():
    results = [run("1-a", True), run("4-b", True), run("1-a", True), run("4-b", False, "kept_after expected true")]
    assert runner.changed_verdicts(results) == {"4-b": ["matched", "kept_after expected true"]}
    assert runner.changed_verdicts(results[:3]) == {}


class Browser:
    """Stands in for the headless browser: records the cookies it was given before each shot."""

    def __init__(self):
        self.shots = []
        self.cookie_jar = {}

    def set_cookies(self, url, cookies):
        self.cookie_jar = dict(cookies)

    def shot(self, url, path):
        self.shots.append((path.name, dict(self.cookie_jar)))
        return {"file": path.name, "status": 200, "error": None}


def test_the_observer_looks_only_when_asked_with_the_probe_cookies_and_answers(tmp_path):
    requests, shots = tmp_path / "observer", {}
    requests.mkdir()
    browser = Browser()
    watch = runner.observer(browser, "http://lb/", requests, tmp_path / "shots", "4-b", shots)
    # A stand-in for verify.yml: it asks at two points, the second one with a reason not to look.
    playbook = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    thread = threading.Thread(target=watch, args=(tmp_path / "log", playbook))
    thread.start()
    try:
        ask = {"point": "during", "label": "during the fault", "cookies": {"JSESSIONID": "A.tomcat2"}, "skip": None}
        ask_for(requests / "4-b.during.request", ask)
        done = requests / "4-b.during.done"
        wait_for(done.exists)
        skip = {"point": "after", "label": "after", "cookies": {}, "skip": "the probe was not done"}
        ask_for(requests / "4-b.after.request", skip)
        wait_for(lambda: "after" in shots)
    finally:
        playbook.kill()
        thread.join(10)
    assert browser.shots == [("4-b.during.png", {"JSESSIONID": "A.tomcat2"})]
    assert json.loads(done.read_text())["file"] == "4-b.during.png"
    assert shots["after"]["error"] == "the probe was not done" and shots["after"]["file"] is None
    assert not (requests / "4-b.after.done").exists()


def ask_for(path, request):
    """Write a request as verify.yml's copy module does: whole, by a rename."""
    draft = path.with_suffix(".draft")
    draft.write_text(json.dumps(request))
    draft.rename(path)


def wait_for(condition, within: float = 10.0):
    """Until condition() holds; a test failure naming what it waited for after `within` seconds."""
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, f"waited {within} s for {condition}"
        time.sleep(0.05)


APP_DATA = {
    **DATA,
    "lab_app_precheck": {"balancer": "haproxy", "strategy": "sticky"},
    "lab_app_matrix": [{"balancer": "haproxy", "strategy": "sticky_cluster", "faults": ["stop", "kill"]}],
}


def test_an_application_is_pre_checked_then_run_through_the_recommended_setups():
    units = runner.plan(options(app="shop.war"), APP_DATA)
    assert [[(r["name"], r["provision"]) for r in unit] for unit in units] == [
        [("app-precheck", True)],
        [("app-haproxy-sticky_cluster-stop", True), ("app-haproxy-sticky_cluster-kill", False)],
    ]
    assert units[0][0]["precheck"] and units[0][0]["strategy"] == "sticky"


def test_the_application_s_variables_put_its_flow_under_its_context(tmp_path):
    war, flow = tmp_path / "shop.war", tmp_path / "flow.yml"
    war.write_bytes(b"PK")
    flow.write_text("- {name: login, method: POST, path: login, once: true}\n- {name: cart, path: /other/cart}\n")
    options = Namespace(app=str(war), flow=str(flow), context=None, health="/health", session_classes=["a\\.B"])
    app = runner.application(options, tmp_path)
    variables = json.loads(app["vars_file"].read_text())
    entry = {"context": "/shop", "war": str(war), "health_path": "/health", "session_classes": ["a\\.B"]}
    assert variables["tomcat_ha_apps"] == [entry]
    assert [s["path"] for s in variables["tomcat_ha_flow"]] == ["/shop/login", "/other/cart"]
    assert app["page"] == "/other/cart"


def test_a_flow_file_for_verify_yml_serves_make_lab_app_too(tmp_path):
    # verify.yml takes the flow as -e @flow.yml, under tomcat_ha_flow: make lab-app reads that file as it is.
    war, flow = tmp_path / "shop.war", tmp_path / "flow.yml"
    war.write_bytes(b"PK")
    flow.write_text("tomcat_ha_flow:\n  - {name: cart, path: cart}\n")
    options = Namespace(app=str(war), flow=str(flow), context=None, health=None, session_classes=[])
    variables = json.loads(runner.application(options, tmp_path)["vars_file"].read_text())
    assert [s["path"] for s in variables["tomcat_ha_flow"]] == ["/shop/cart"]


def test_an_application_it_cannot_run_is_one_sentence(tmp_path):
    flow = tmp_path / "flow.yml"
    flow.write_text("flow: 3\n")
    bad = [
        (
            Namespace(app="nosuch.war", flow=str(flow), context=None, health=None, session_classes=[]),
            "WAR must be a WAR file",
        ),
        (
            Namespace(app=str(flow), flow=None, context=None, health=None, session_classes=[]),
            "FLOW must be a YAML file",
        ),
        (
            Namespace(app=str(flow), flow=str(flow), context=None, health=None, session_classes=[]),
            "must hold a list of steps",
        ),
    ]
    for opts, message in bad:
        try:
            runner.application(opts, tmp_path)
        except runner.AppError as exc:
            assert message in str(exc)
        else:
            raise AssertionError(f"{opts} was accepted")

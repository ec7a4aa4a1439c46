# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run the bad-input cases against a checkout, on localhost, changing nothing, and say what each one got.

Every case runs where a user would meet it: a filter (in a Python of its own, with that checkout's collection), a
role's preflight entry point alone, or the first play of site.yml or verify.yml (the play that checks every setting;
the plays after it are never run). The hosts are aliases of localhost; no task of a preflight changes anything, and
each host's recap must say so.

An outcome is one of OUTCOMES: refused with a sentence that names the variable and shows the value (clear), refused
with a sentence that hides one of them (unclear), a Python exception's words (traceback), or not refused at all, in
which case the case's `later` says what the run would meet after hosts had changed (later) or that nothing would
refuse it (never).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from tests.bad_input.cases import BASE, CASES, SITE_HOSTS, Case

OUTCOMES = ("clear", "unclear", "traceback", "later", "never")
# Words that only a Python exception (not a sentence of the collection or of Ansible's argument spec) has.
_TRACEBACK = re.compile(
    r"Traceback|\b(ValueError|TypeError|KeyError|AttributeError|IndexError|UnicodeError|ZeroDivisionError)\b"
    r"|object has no attribute|invalid literal for|unexpected templating type error"
    r"|Unexpected failure during module execution"
)
_FATAL = re.compile(r"^(?:fatal|failed): \[([^\]]+)\]: FAILED! => (\{.*\})\s*$", re.M)
_ERROR = re.compile(r"^(?:ERROR!|\[ERROR\]:) (.*(?:\n(?!\S).*)*)", re.M)
_RECAP = re.compile(r"^(\S+)\s+: ok=\d+\s+changed=(\d+)", re.M)
_KEY = "0123456789abcdef" * 4


def _env(root: Path) -> dict:
    return dict(
        os.environ,
        ANSIBLE_CONFIG=str(root / "ansible.cfg"),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_DEPRECATION_WARNINGS="0",
        ANSIBLE_CALLBACK_RESULT_FORMAT="json",
        ANSIBLE_CALLBACK_FORMAT_PRETTY="0",
        ANSIBLE_DISPLAY_OK_HOSTS="0",
        ANSIBLE_DISPLAY_SKIPPED_HOSTS="0",
        ANSIBLE_RETRY_FILES_ENABLED="0",
    )


def _playbook(root: Path, args: list[str], timeout: float, facts: Path | None = None) -> tuple[int, str]:
    command = [str(Path(sys.executable).parent / "ansible-playbook"), *args]
    env = _env(root)
    if facts:
        # The hosts are aliases of localhost: their facts are gathered once and read from the cache after.
        env.update(
            ANSIBLE_GATHERING="smart", ANSIBLE_CACHE_PLUGIN="jsonfile", ANSIBLE_CACHE_PLUGIN_CONNECTION=str(facts)
        )
    proc = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def _message(result: dict) -> str:
    """A failed task's sentence: its msg, with the argument spec's own errors."""
    text = str(result.get("msg", ""))
    errors = result.get("argument_errors") or []
    if errors and not all(e in text for e in errors):
        text += " " + " ".join(map(str, errors))
    for key in ("exception", "module_stderr"):
        if result.get(key):
            text += " " + str(result[key])
    return text


def _fold(text: str) -> str:
    return " ".join(text.split())


def _forms(shows: str) -> set[str]:
    """The ways a sentence may show a value: as given, and, for JSON, as Python writes it too."""
    forms = {shows}
    try:
        value = json.loads(shows)
    except ValueError:
        return forms
    return forms | {repr(value), str(value)}


def judge(case: Case, refused: bool, message: str) -> str:
    """The outcome of one case, from whether it was refused and the sentence it got."""
    if not refused:
        return "later" if case.later else "never"
    if _TRACEBACK.search(message):
        return "traceback"
    folded = _fold(message)
    shown = any(_fold(form) in folded for form in _forms(case.shows))
    return "clear" if case.var in folded and shown else "unclear"


def _host_results(output: str) -> dict[str, str]:
    """Every host's failure sentence in a run (the first one it got)."""
    found: dict[str, str] = {}
    for host, payload in _FATAL.findall(output):
        try:
            result = json.loads(payload)
        except ValueError:
            result = {"msg": payload}
        found.setdefault(host, _message(result))
    return found


def _unchanged(output: str, hosts: Iterable[str]) -> bool:
    recap = dict(_RECAP.findall(output))
    return all(recap.get(host, "0") == "0" for host in hosts)


# --- role preflights: every case of a role is a host of one run, so that one run checks them all


def _role_run(root: Path, role: str, cases: list[Case], work: Path, timeout: float) -> dict[str, tuple[str, str]]:
    hosts = {}
    groups = {}
    for number, case in enumerate(cases, start=1):
        name = f"case{number:03d}"
        # Each case is a group of its own: lab_hosts' preflight reads every host of its group.
        variables = {
            "ansible_connection": "local",
            "ansible_python_interpreter": sys.executable,
            "lab_hosts_group": f"group_{name}",
            **BASE.get(role, {}),
            # {work}: the runner's directory, where the TLS files a case names are.
            **json.loads(json.dumps(case.settings).replace("{work}", str(work))),
        }
        hosts[name] = variables
        groups[f"group_{name}"] = {"hosts": {name: None}}
    inventory = {"all": {"hosts": hosts, "children": groups}}
    (work / f"{role}.hosts.yml").write_text(yaml.safe_dump(inventory))
    play = [
        {
            "name": f"Preflight of {role}",
            "hosts": "all",
            "gather_facts": False,
            "tasks": [
                {
                    "name": "Run the role's preflight",
                    "ansible.builtin.include_role": {"name": f"sessionlab.tomcat_ha.{role}", "tasks_from": "preflight"},
                }
            ],
        }
    ]
    (work / f"{role}.play.yml").write_text(yaml.safe_dump(play))
    args = ["-i", str(work / f"{role}.hosts.yml"), str(work / f"{role}.play.yml"), "--forks", "8"]
    _rc, output = _playbook(root, args, timeout)
    failures = _host_results(output)
    recap = dict(_RECAP.findall(output))
    # A run that ended before the hosts' recap (an error outside any task) refused every case with its words.
    crashed = " ".join(_ERROR.findall(output)) or output[-2000:]
    results = {}
    for number, case in enumerate(cases, start=1):
        name = f"case{number:03d}"
        message = failures.get(name, None if name in recap else crashed)
        results[case.id] = (message, "unchanged" if recap.get(name, "0") == "0" else "changed")
    return results


# --- site.yml and verify.yml: the first play of each, one run per case, on four aliases of localhost


def _first_play(root: Path, playbook: str, path: Path) -> Path:
    """The playbook's first play alone, its vars_files made absolute, written to path."""
    play = yaml.safe_load((root / "playbooks" / playbook).read_text())[0]
    if "vars_files" in play:
        play["vars_files"] = [str(root / "playbooks" / f) for f in play["vars_files"]]
    path.write_text(yaml.safe_dump([play], sort_keys=False))
    return path


def _site_inventory(case: Case, work: Path) -> dict:
    common = {
        "ansible_connection": "local",
        "ansible_python_interpreter": sys.executable,
        "tomcat_cluster_encryption_key": _KEY,
        "tomcat_ha_tls_certificate": str(work / "cert.pem"),
        "tomcat_ha_tls_certificate_key": str(work / "key.pem"),
        # The local lab's mark (lab/inventory/group_vars): verify.yml may fault these hosts.
        "tomcat_ha_lab": True,
        **case.settings,
    }
    groups = {}
    for group, names in (
        ("balancers", ["lb.qyh.com"]),
        ("backends", ["backend1.qyh.com", "backend2.qyh.com"]),
        ("clients", ["client.qyh.com"]),
    ):
        groups[group] = {"hosts": {h: {**SITE_HOSTS.get(h, {}), **case.hosts.get(h, {})} for h in names}}
    return {"all": {"vars": common, "children": groups}}


def _play_run(root: Path, case: Case, work: Path, timeout: float) -> tuple[str | None, str]:
    playbook = "site.yml" if case.entry == "site" else "verify.yml"
    name = case.id.replace("/", "_")
    play = _first_play(root, playbook, work / f"{name}.play.yml")
    inventory = work / f"{name}.hosts.yml"
    inventory.write_text(yaml.safe_dump(_site_inventory(case, work)))
    facts = work / "facts"
    if case.records:
        facts = _prime_records(root, case, inventory, work / name, timeout)
    extra = ["-e", json.dumps(case.extra)] if case.extra else []
    rc, output = _playbook(root, ["-i", str(inventory), str(play), *extra], timeout, facts=facts)
    failures = _host_results(output)
    if rc == 0:
        return None, "unchanged" if _unchanged(output, ["lb.qyh.com"]) else "changed"
    message = next(iter(failures.values()), None)
    if message is None:
        message = " ".join(_ERROR.findall(output)) or output[-2000:]
    hosts = ["lb.qyh.com", "backend1.qyh.com", "backend2.qyh.com", "client.qyh.com"]
    return message, "unchanged" if _unchanged(output, hosts) else "changed"


def _prime_facts(root: Path, work: Path, timeout: float) -> None:
    """Gather the aliases' facts once into the cache the play runs read (never written by two runs at once)."""
    inventory = work / "facts.hosts.yml"
    inventory.write_text(yaml.safe_dump(_site_inventory(Case("", "site", "", "", "", ""), work)))
    play = [{"name": "Facts", "hosts": "all", "gather_facts": True, "tasks": []}]
    (work / "facts.play.yml").write_text(yaml.safe_dump(play))
    rc, output = _playbook(root, ["-i", str(inventory), str(work / "facts.play.yml")], timeout, facts=work / "facts")
    if rc != 0:
        raise RuntimeError(f"could not gather the facts of localhost's aliases:\n{output[-2000:]}")


def _prime_records(root: Path, case: Case, inventory: Path, work: Path, timeout: float) -> Path:
    """A fact cache of the case's own, in which each host's local facts hold the record the case gives it (as
    site.yml writes it, read back by the setup module from a facts directory of the host's own); the cache."""
    for host, value in case.records.items():
        if value is not None:
            (work / "records" / host).mkdir(parents=True)
            (work / "records" / host / "tomcat_ha.fact").write_text(json.dumps(value, indent=4, sort_keys=True) + "\n")
    # The play's fact gathering, which marks the hosts' facts as gathered: the case's play reads them from the cache.
    play = [{"name": "Facts", "hosts": "all", "gather_facts": True, "tasks": [],
             "fact_path": f"{work / 'records'}/{{{{ inventory_hostname }}}}"}]  # fmt: skip
    work.mkdir(exist_ok=True)
    (work / "records.play.yml").write_text(yaml.safe_dump(play))
    rc, output = _playbook(root, ["-i", str(inventory), str(work / "records.play.yml")], timeout, facts=work / "facts")
    if rc != 0:
        raise RuntimeError(f"could not gather the records of localhost's aliases:\n{output[-2000:]}")
    return work / "facts"


# --- filters: in a Python of their own, with the checkout's collection on its path

_FILTER_SCRIPT = r"""
import importlib, json, sys
sys.path.insert(0, sys.argv[1])
from ansible.errors import AnsibleError
results = {}
for case in json.loads(sys.stdin.read()):
    module = importlib.import_module("ansible_collections.sessionlab.tomcat_ha.plugins.filter." + case["module"])
    function = getattr(module, case["function"])
    try:
        function(list(case["hosts"]), case["hosts"], **case["settings"])
    except AnsibleError as exc:
        results[case["id"]] = str(exc)
    except Exception as exc:  # what a user would see: the exception's own words
        results[case["id"]] = f"Traceback: {type(exc).__name__}: {exc}"
    else:
        results[case["id"]] = None
print(json.dumps(results))
"""


def _filter_run(root: Path, cases: list[Case], timeout: float) -> dict[str, tuple[str | None, str]]:
    data = []
    for case in cases:
        module, _dot, function = case.entry.split(":", 1)[1].partition(".")
        data.append(
            {
                "id": case.id,
                "module": module,
                "function": function or module,
                "hosts": case.hosts,
                "settings": case.settings,
            }
        )
    proc = subprocess.run(
        [sys.executable, "-c", _FILTER_SCRIPT, str(root / "collections")],
        input=json.dumps(data),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    return {key: (value, "unchanged") for key, value in json.loads(proc.stdout).items()}


def run_cases(root: Path, cases: Iterable[Case] = CASES, timeout: float = 900, workers: int | None = None) -> dict:
    """{case id: {outcome, message, hosts}} for every case, run against the checkout at root.

    The runs are independent (each its own inventory and play), so they go side by side, one per core.
    """
    cases = list(cases)
    raw: dict[str, tuple[str | None, str]] = {}
    with tempfile.TemporaryDirectory(prefix="bad-input-") as tmp:
        work = Path(tmp)
        # The TLS files the balancer's preflight looks for (site and verify cases).
        (work / "cert.pem").write_text("certificate\n")
        (work / "key.pem").write_text("key\n")
        roles: dict[str, list[Case]] = {}
        for case in cases:
            if case.entry.startswith("role:"):
                roles.setdefault(case.entry.split(":", 1)[1], []).append(case)
        filters = [c for c in cases if c.entry.startswith("filter:")]
        plays = [c for c in cases if c.entry in ("site", "verify")]
        if plays:
            _prime_facts(root, work, timeout)
        with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 2) as pool:
            jobs = [pool.submit(_role_run, root, role, role_cases, work, timeout) for role, role_cases in roles.items()]
            if filters:
                jobs.append(pool.submit(_filter_run, root, filters, timeout))
            singles = {case.id: pool.submit(_play_run, root, case, work, timeout) for case in plays}
            for job in jobs:
                raw.update(job.result())
            raw.update({key: job.result() for key, job in singles.items()})
    results = {}
    for case in cases:
        message, hosts = raw[case.id]
        results[case.id] = {
            "outcome": judge(case, message is not None, message or ""),
            "message": message,
            "hosts": hosts,
        }
    return results

"""Changes to a running lab, made the way an operator makes them on production: by rerunning site.yml.

Each test reproduces a way a change could take both backends down or leave a broken configuration behind, and
checks what happens now. The tests run in this order, each leaving the lab serving for the next.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time

import yaml

from lab.hosts import INVENTORY, ROOT, lab_hosts, lab_vars, write_inventory
from tests.lab_checks import (
    BACKENDS,
    BALANCER,
    CLIENT,
    TOMCAT,
    Load,
    ansible_env,
    balancer_host,
    host,
    run_playbook,
    scenario_vars,
)

SERVER_XML = f"/etc/{TOMCAT}/server.xml"
NGINX_CONF = "/etc/nginx/conf.d/sessionlab-balancer.conf"
RECORD = "/etc/ansible/facts.d/tomcat_ha.fact"
B1, B2 = list(BACKENDS)


def text(proc: subprocess.CompletedProcess) -> str:
    return " ".join((proc.stdout + proc.stderr).split())


def tail(proc: subprocess.CompletedProcess) -> str:
    return (proc.stdout + proc.stderr)[-4000:]


def main_pid(h, service: str = TOMCAT) -> str:
    return h.check_output(f"systemctl show -p MainPID --value {service}")


def digest(h, path: str) -> str:
    return h.check_output(f"sha256sum {path}").split()[0]


def frozen_jvm(h) -> bool:
    """Whether Tomcat's JVM is stopped by a signal (state T)."""
    return h.check_output(f"cut -d' ' -f3 /proc/{main_pid(h)}/stat") == "T"


def address(h) -> str:
    return h.check_output("hostname -I").split()[0]


def request(jar: str, fresh: bool = False) -> dict:
    """One request through the balancer from the client, with the cookie jar `jar` (emptied first when fresh)."""
    client = host(CLIENT)
    if fresh:
        client.run(f"rm -f {jar}")
    return json.loads(client.check_output(f"curl -fsS -c {jar} -b {jar} http://{BALANCER}/session.jsp"))


def started_next_to_the_other(proc: subprocess.CompletedProcess) -> bool:
    """Whether site.yml started the chosen balancer while the other still served (no stop-first rescue)."""
    return re.search(r"^lb\.qyh\.com\s+:.* rescued=0 ", proc.stdout, re.M) is not None


def served_by() -> str:
    """The balancer software that answers (its Server header)."""
    return host(CLIENT).check_output(f"curl -fsS -o /dev/null -D - http://{BALANCER}/session.jsp | grep -i '^server:'")


def inventory_with(directory, host_vars: dict[str, dict]):
    """The lab inventory, written to `directory`, with host variables for some backends; its path."""
    data = yaml.safe_load(INVENTORY.read_text())
    hosts = data["all"]["children"]["backends"]["hosts"]
    for name, extra in host_vars.items():
        hosts[name] = {**(hosts.get(name) or {}), **extra}
    return write_inventory(directory, data)


def fault(hostname: str, entry: str, **extra) -> None:
    """Run one of the tomcat_fault role's entry points (main, restore) on one backend, as verify.yml does."""
    proc = subprocess.run(
        [
            "ansible",
            hostname,
            "-i",
            str(INVENTORY.parent),
            "-m",
            "ansible.builtin.include_role",
            "-a",
            f"name=sessionlab.tomcat_ha.tomcat_fault tasks_from={entry}",
            "-e",
            json.dumps(extra),
        ],
        cwd=ROOT,
        env=ansible_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, tail(proc)


def journal_since(h, since: float, pattern: str) -> list[float]:
    """Times (seconds since the epoch) of Tomcat's journal lines since `since` that contain `pattern`."""
    out = h.check_output(f"journalctl -q -u {TOMCAT} -o short-unix --since=@{since:.0f} | grep -F {pattern!r} || true")
    return [float(line.split()[0]) for line in out.splitlines() if line.strip()]


def change_under_load(extra: dict, label: str) -> tuple[subprocess.CompletedProcess, Load]:
    """Rerun site.yml with `extra` while the load runs; the run must pass. Prints what the load saw."""
    with Load() as load:
        proc = run_playbook(extra)
    assert proc.returncode == 0, tail(proc)
    print(f"{label} under load:", json.dumps(load.summary))
    return proc, load


def assert_nothing_lost(load: Load, failed_allowed: bool = False, failed_at_most: int = 0) -> None:
    summary = load.summary
    assert summary["requests"] > 100, summary
    assert summary["sessions_lost"] == 0, summary
    assert summary["updates_lost"] == 0, summary
    if not failed_allowed:
        assert summary["failed"] <= failed_at_most, summary


# 6. User files: the operator's files are moved aside or backed up, never deleted or overwritten.
def test_user_files_are_kept(backends):
    for name, h in backends.items():
        # The lab serves the test page from its own app base: Debian's webapps are not Tomcat's to serve,
        # and stay where they are.
        assert h.file(f"/var/lib/{TOMCAT}/webapps/ROOT/index.html").exists, name
        # Debian's server.xml was kept as a dated copy when the role's went live.
        backups = h.check_output(f"ls {SERVER_XML}.*~ 2>/dev/null || true").split()
        assert any("<Server" in h.file(b).content_string for b in backups), (name, backups)
    # /etc/hosts is written in place only where the inventory says so (the lab's bind-mounted file).
    defaults = yaml.safe_load((ROOT / "roles/lab_hosts/defaults/main.yml").read_text())
    lab = lab_vars()
    assert defaults["lab_hosts_unsafe_writes"] is False
    assert lab["lab_hosts_unsafe_writes"] is True


# 7. FarmWarDeployer is gone.
def test_no_farm_deployer(backends):
    for name, h in backends.items():
        assert "FarmWarDeployer" not in h.file(SERVER_XML).content_string, name


# 1. A well-formed but wrong server.xml stops at the first backend, which gets its last good one back.
def test_a_wrong_receiver_address_stops_at_the_first_backend(tmp_path, backends):
    h1, h2 = backends[B1], backends[B2]
    jar = "/tmp/changes-receiver"
    first = request(jar, fresh=True)
    before = {"pid2": main_pid(h2), "xml1": digest(h1, SERVER_XML), "xml2": digest(h2, SERVER_XML)}
    # An address on the lab's network that no container has: Tomcat's Receiver cannot bind it. Membership is
    # multicast, so no peer ever learns it and nothing is sent to it.
    taken = {address(host(c)) for c in lab_hosts().values()}
    wrong = address(h1).rsplit(".", 1)[0] + ".250"
    assert wrong not in taken
    proc = run_playbook(
        {"tomcat_start_timeout": 30}, inventory=inventory_with(tmp_path, {B1: {"tomcat_cluster_address": wrong}})
    )

    out = text(proc)
    assert proc.returncode != 0, tail(proc)
    assert f"tomcat: {B1} did not serve again after its restart" in out, tail(proc)
    assert "Its previous server.xml is back in place and it serves" in out, tail(proc)
    assert "no other backend was restarted" in out, tail(proc)
    # The second backend was never restarted, and its live server.xml never changed (the new one is staged).
    assert main_pid(h2) == before["pid2"]
    assert digest(h2, SERVER_XML) == before["xml2"]
    assert digest(h1, SERVER_XML) == before["xml1"]
    assert wrong in h1.file(f"{SERVER_XML}.tomcat_ha-staged").content_string
    # The session lived through it.
    after = request(jar)
    assert after["session_id"].split(".")[0] == first["session_id"].split(".")[0], (first, after)
    assert after["count"] == first["count"] + 1, (first, after)

    # With the inventory fixed, the staged file is the live one again: nothing restarts.
    pid1 = main_pid(h1)
    fixed = run_playbook({})
    assert fixed.returncode == 0, tail(fixed)
    assert (main_pid(h1), main_pid(h2)) == (pid1, before["pid2"])


# 5. A rolling restart waits for each node to have rejoined the cluster before the next one restarts.
def test_a_rolling_restart_under_load_loses_no_session(backends):
    started = time.time()
    _proc, load = change_under_load({"tomcat_cluster_receiver_max_threads": 7}, "rolling restart")
    assert_nothing_lost(load, failed_allowed=True)
    # One at a time, in the order the hosts reach their turn: the second backend stopped only after the first
    # one was back and had its peer re-added.
    stops = {name: journal_since(h, started, "Stopping service [Catalina]") for name, h in backends.items()}
    assert all(stops.values()), stops
    first, second = sorted(backends, key=lambda name: min(stops[name]))
    rejoined = [t for t in journal_since(backends[first], started, "Replication member added") if t > min(stops[first])]
    assert rejoined and min(rejoined) < min(stops[second]), (first, rejoined, stops)


# 5. "No members active" after a restart is a failure, not a healthy node.
def test_a_node_that_restarts_without_its_peers_stops_the_run(tmp_path, backends):
    h1, h2 = backends[B1], backends[B2]
    pid2 = main_pid(h2)
    cut_off = [address(h1), address(balancer_host())]
    fault(B2, "main", tomcat_fault_kind="partition", tomcat_fault_drop_addresses=cut_off)
    try:
        # Only backend1's server.xml changes (backend2 keeps the 7 of the rolling restart before), so it is the
        # one that restarts.
        threads = {B1: {"tomcat_cluster_receiver_max_threads": 8}, B2: {"tomcat_cluster_receiver_max_threads": 7}}
        inventory = inventory_with(tmp_path, threads)
        proc = run_playbook({"tomcat_start_timeout": 30}, inventory=inventory)
    finally:
        fault(B2, "restore", tomcat_cluster_enabled=True)
    out = text(proc)
    assert proc.returncode != 0, tail(proc)
    assert f"tomcat: {B1} did not serve again after its restart" in out, tail(proc)
    assert "started without finding its peers" in out, tail(proc)
    assert main_pid(h2) == pid2
    # Back to the converged state: backend1 rejoins with the partition gone.
    fixed = run_playbook({})
    assert fixed.returncode == 0, tail(fixed)


# 2. A value nginx would reject (a time with a bad unit) is refused by the preflight, before any host changes: the
# previous configuration stays live. (Every value that used to reach nginx -t is refused earlier now; the test-or-
# rollback path itself is left to the balancer role's install step.)
def test_a_value_nginx_would_reject_is_refused_before_any_change():
    lb = balancer_host()
    before = (digest(lb, NGINX_CONF), main_pid(lb, "nginx"))
    proc = run_playbook({"nginx_balancer_proxy_read_timeout": "10x"})
    out = text(proc)
    assert proc.returncode != 0, tail(proc)
    assert "nginx_balancer: nginx_balancer_proxy_read_timeout must be an nginx time above 0" in " ".join(out.split())
    assert (digest(lb, NGINX_CONF), main_pid(lb, "nginx")) == before
    assert lb.run("nginx -t").rc == 0
    assert "nginx" in served_by()


# 2 and 3. A switch to httpd with a ServerName of two words is refused by the preflight before nginx stops: nginx
# keeps serving, httpd stays stopped.
def test_a_switch_to_a_bad_httpd_setting_keeps_nginx_serving():
    lb = balancer_host()
    pid = main_pid(lb, "nginx")
    proc = run_playbook({"tomcat_ha_balancer": "httpd", "httpd_balancer_server_name": "lb qyh"})
    out = text(proc)
    assert proc.returncode != 0, tail(proc)
    assert "httpd_balancer: httpd_balancer_server_name must be one host name" in " ".join(out.split()), tail(proc)
    assert main_pid(lb, "nginx") == pid
    assert lb.service("nginx").is_enabled
    assert not lb.service("apache2").is_running
    assert "nginx" in served_by()


# 3. A switch of balancers under load fails no request: the new one starts next to the old one (both listen with
# SO_REUSEPORT), which then stops gracefully. 6: Debian's ports.conf keeps its other ports.
def test_switching_balancers_under_load_fails_no_request():
    lb = balancer_host()
    proc, load = change_under_load({"tomcat_ha_balancer": "httpd"}, "switch to httpd")
    assert started_next_to_the_other(proc), tail(proc)
    assert "Apache" in served_by()
    assert not lb.service("nginx").is_running and not lb.service("nginx").is_enabled
    assert "Listen 443" in lb.file("/etc/apache2/ports.conf").content_string
    assert_nothing_lost(load)

    proc, back = change_under_load({}, "switch back to nginx")
    assert started_next_to_the_other(proc), tail(proc)
    assert "nginx" in served_by()
    assert not lb.service("apache2").is_running and not lb.service("apache2").is_enabled
    assert_nothing_lost(back)


# 4. A web.xml change reloads the application on one backend at a time, each after the previous one has finished.
def test_a_web_xml_change_under_load_reloads_one_backend_at_a_time(backends):
    started = time.time()
    _proc, load = change_under_load({"session_app_session_timeout": 31}, "web.xml change")
    spans = {}
    for name, h in backends.items():
        begun = journal_since(h, started, "Reloading Context with name [] has started")
        done = journal_since(h, started, "Reloading Context with name [] is completed")
        assert len(begun) == 1 and len(done) == 1, (name, begun, done)
        spans[name] = (begun[0], done[0])
    first, second = sorted(spans.values())
    assert first[1] < second[0], spans
    # While Tomcat swaps the application on one backend, a request that reaches it can fail (measured: 0 of
    # 4,075, and 1 of 4,014, class "other", neither 5xx nor a refused or reset connection); the balancer does
    # not retry it. Sessions and acknowledged updates must all be kept.
    assert_nothing_lost(load, failed_at_most=3)


# 8. A verify.yml that dies while the backend is frozen leaves it frozen, with a timer that would undo it; the
# next verify.yml undoes it before anything else, and passes.
def test_a_rerun_of_verify_undoes_the_fault_a_killed_run_left(tmp_path, backends):
    log = tmp_path / "verify.log"
    extra = {
        "tomcat_ha_fault": "freeze",
        "tomcat_ha_fault_hold": 60,
        "tomcat_ha_load_duration": 120,
        "tomcat_ha_rejoin_timeout": 50,
    }
    with log.open("w") as sink:
        run = subprocess.Popen(
            ["ansible-playbook", "-i", str(INVENTORY.parent), "playbooks/verify.yml", "-e", json.dumps(extra)],
            cwd=ROOT,
            env=ansible_env(),
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 240
        while "Hold the fault]" not in log.read_text() and time.monotonic() < deadline:
            assert run.poll() is None, log.read_text()[-4000:]
            time.sleep(1)
        time.sleep(3)
        os.killpg(run.pid, signal.SIGKILL)
        run.wait(timeout=30)
    frozen = [name for name, h in backends.items() if frozen_jvm(h)]
    assert len(frozen) == 1, log.read_text()[-4000:]
    h = backends[frozen[0]]
    assert "tomcat-ha-fault-heal" in h.check_output("systemctl list-timers --all --no-legend")

    proc = run_playbook({"tomcat_ha_fault": "stop"}, playbook="playbooks/verify.yml")
    assert proc.returncode == 0, tail(proc)
    assert not frozen_jvm(h)
    assert "tomcat-ha-fault-heal" not in h.check_output("systemctl list-timers --all --no-legend")


# 9. verify.yml judges the setup site.yml deployed (each host's record), not the one the inventory names: after a
# switch with -e, a verify.yml without -e judges the switched setup, and one whose -e asks for another strategy is
# refused in its first play, before anything is restored, probed, loaded or faulted. The last tests: Molecule runs the
# shared checks (molecule/shared/test_full_lab.py) before this file and destroys the lab after it, so the lab stays
# switched; a test added after these would switch back first (run_playbook({})).
SWITCHED = {"tomcat_ha_balancer": "httpd", "tomcat_ha_strategy": "sticky"}


def verify_as_deployed(tmp_path, extra: dict) -> subprocess.CompletedProcess:
    """verify.yml on an inventory that names the scenario's setup (nginx in front of a cluster), with the scenario's
    other variables and `extra` as -e, but no -e for the balancer or the strategy unless `extra` gives one."""
    setup = {var: scenario_vars()[var] for var in SWITCHED}
    data = yaml.safe_load(INVENTORY.read_text())
    data["all"]["vars"] = setup
    (tmp_path / "inventory").mkdir()
    inventory = write_inventory(tmp_path / "inventory", data)
    # Without the scenario's name for the run, the result is named after the setup it judged.
    leave_out = (*setup, "tomcat_ha_experiment")
    return run_playbook(extra, playbook="playbooks/verify.yml", inventory=inventory, timeout=600, leave_out=leave_out)


def test_site_yml_records_the_switch_and_verify_yml_judges_it_without_e(tmp_path, backends):
    proc = run_playbook(SWITCHED)
    assert proc.returncode == 0, tail(proc)
    record = {"balancer": "httpd", "strategy": "sticky", "tls": False, "served_by_header": "X-Served-By"}
    for name, h in {**backends, BALANCER: balancer_host()}.items():
        fact = h.file(RECORD)
        assert (fact.user, fact.group, fact.mode) == ("root", "root", 0o644), name
        assert json.loads(fact.content_string) == record, name

    # A short run: the serving backend stopped for 3 s, 2 s of load before and after.
    short = {"tomcat_ha_fault": "stop", "tomcat_ha_fault_hold": 3, "tomcat_ha_load_lead": 2, "tomcat_ha_load_tail": 2}
    proc = verify_as_deployed(tmp_path, {**short, "tomcat_ha_report_dir": str(tmp_path / "report")})
    assert proc.returncode == 0, tail(proc)
    result = json.loads((tmp_path / "report" / "results" / "httpd-sticky-stop.json").read_text())
    assert (result["balancer"], result["strategy"], result["fault"]) == ("httpd", "sticky", "stop"), result["strategy"]
    verdict = result["verdict"]
    assert verdict["matched"], verdict["text"]
    # httpd's ROUTEID cookie kept the probe's session on one backend, which lost it when it stopped: sticky's
    # promise, not the cluster's that the inventory names.
    assert verdict["expected"]["promise"] == "a session stays on the backend that created it, and dies with it"
    observed = {check["figure"]: check["observed"] for check in verdict["checks"]}
    assert (observed["stable_before"], observed["kept_after"]) == (True, False), verdict["text"]
    assert "httpd-sticky-stop: as expected" in text(proc), tail(proc)


def test_verify_yml_whose_e_asks_for_another_strategy_is_refused_before_any_fault(tmp_path, backends):
    pids = {name: main_pid(h) for name, h in backends.items()}
    proc = verify_as_deployed(tmp_path, {"tomcat_ha_strategy": "sticky_cluster", "tomcat_ha_fault": "kill"})
    out = text(proc)
    assert proc.returncode != 0, tail(proc)
    assert (
        "-e asks for tomcat_ha_strategy=sticky_cluster, but site.yml deployed tomcat_ha_balancer=httpd "
        f"tomcat_ha_strategy=sticky on these hosts (their record, {RECORD}): run site.yml with -e "
        "tomcat_ha_strategy=sticky_cluster first, or drop that -e to verify what is deployed."
    ) in out, tail(proc)
    # Only the first play ran, and changed nothing: no backend was restored, killed or restarted.
    assert "PLAY [Restore every backend" not in proc.stdout, tail(proc)
    assert set(re.findall(r"^\S+\s+: ok=\d+\s+changed=(\d+)", proc.stdout, re.M)) == {"0"}, tail(proc)
    assert {name: main_pid(h) for name, h in backends.items()} == pids
    assert "Apache" in served_by()

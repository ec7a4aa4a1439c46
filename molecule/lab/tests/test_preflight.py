"""Bad input stops site.yml in its preflight play, with one clear message, before anything changes.

Runs the real site.yml (and verify.yml) against the bare lab hosts (this scenario installs no roles), once per
kind of refusal; every bad value's own case runs on localhost (tests/unit/test_bad_input.py).
"""

from __future__ import annotations

import re
import subprocess

import pytest
import testinfra
import yaml

from lab.hosts import INVENTORY, lab_hosts, write_inventory
from tests.lab_checks import TOMCAT, run_playbook

# The table of bad values (tests/bad_input/cases.py, over 200) runs on localhost in make unit, every case at its
# entry: a role's preflight, the first play of site.yml or verify.yml. Here, one of each kind of refusal runs the
# real playbooks against the bare lab hosts, over the lab's connection, and checks that nothing was installed.
CASES = {
    # id: (extra vars, text the failure message must contain)
    # The topology action, first in site.yml: a collection setting.
    "unknown-balancer": (
        {"tomcat_ha_balancer": "apache"},
        "tomcat_ha_balancer must be one of nginx, httpd, haproxy (got 'apache')",
    ),
    # The topology action: a setting site.yml computes, set from outside, would be silently replaced.
    "computed-setting": (
        {"tomcat_firewall_http_sources": ["192.0.2.50"]},
        "tomcat_firewall_http_sources is set for lb.qyh.com, backend1.qyh.com, backend2.qyh.com, but site.yml sets it"
        " itself, from the balancers' addresses",
    ),
    # A backend role's preflight, on every backend (any_errors_fatal): a boolean the roles would read as false.
    "strict-boolean": (
        {"tomcat_ha_strategy": "cluster", "tomcat_cluster_encryption_enabled": "y"},
        'tomcat: tomcat_cluster_encryption_enabled must be true or false (got "y", which the argument spec reads as'
        " true but Ansible's bool filter as false)",
    ),
    # The balancer role's preflight, on the balancer, after the backends' passed: HAProxy's milliseconds.
    "haproxy-timeout": (
        {"tomcat_ha_balancer": "haproxy", "haproxy_balancer_timeout_server": "30"},
        'haproxy_balancer: {"haproxy_balancer_timeout_server": "30"}: every timeout and the check interval must be an'
        " HAProxy time above 0 with its unit",
    ),
    # The name resolution role, on every host: a line /etc/hosts would take as it is.
    "hosts-address": (
        {"lab_hosts_address": "10.0.0.1 evil.example"},
        "lab_hosts: lab_hosts_address must be an IP address, which /etc/hosts takes as it is",
    ),
}


# verify.yml checks its own settings in its first play, before it probes, loads or faults anything.
VERIFY_CASES = {
    "load-timeout": ({"tomcat_ha_load_timeout": 0}, "verify: tomcat_ha_load_timeout must be more than 0 seconds"),
    # The lab's inventory marks its hosts (tomcat_ha_lab); unmarked hosts are not faulted without a confirmation.
    "not-a-lab": (
        {"tomcat_ha_lab": False},
        "verify: backend1.qyh.com, backend2.qyh.com are not marked as a lab (tomcat_ha_lab)",
    ),
}


def assert_failed_before_any_change(proc: subprocess.CompletedProcess, message: str) -> None:
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out[-3000:]
    assert message in " ".join(out.split()), out[-3000:]
    assert "Traceback" not in out, out[-3000:]
    recap = re.findall(r"^(\S+)\s+: ok=\d+\s+changed=(\d+)", out, re.M)
    assert recap, out[-3000:]
    assert all(changed == "0" for _host, changed in recap), recap
    # Nothing installed on the hosts either: no Tomcat, no balancer.
    for container in lab_hosts().values():
        h = testinfra.get_host(f"docker://{container}")
        for pkg in (TOMCAT, "nginx", "apache2", "haproxy"):
            assert not h.package(pkg).is_installed, (container, pkg)


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_fails_in_preflight(case):
    extra, message = CASES[case]
    assert_failed_before_any_change(run_playbook(extra), message)


@pytest.mark.parametrize("case", sorted(VERIFY_CASES))
def test_bad_verify_input_fails_before_anything_runs(case):
    extra, message = VERIFY_CASES[case]
    proc = run_playbook(extra, playbook="playbooks/verify.yml")
    assert_failed_before_any_change(proc, message)
    # Stopped in the first play: no probe, no load, no fault.
    out = proc.stdout + proc.stderr
    assert "Start the load" not in out and "Inject the fault" not in out, out[-3000:]


def test_cluster_needs_two_backends(tmp_path):
    data = yaml.safe_load(INVENTORY.read_text())
    data["all"]["children"]["backends"]["hosts"].pop("backend2.qyh.com")
    proc = run_playbook({"tomcat_ha_strategy": "cluster"}, inventory=write_inventory(tmp_path, data))
    assert_failed_before_any_change(proc, "at least two: strategy cluster runs a cluster")

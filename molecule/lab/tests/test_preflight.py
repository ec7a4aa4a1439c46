"""Bad input stops site.yml in its preflight play, with one clear message, before anything changes.

Runs the real site.yml against the bare lab hosts (this scenario installs no roles), once per check.
"""

from __future__ import annotations

import re
import subprocess

import pytest
import testinfra
import yaml

from lab.hosts import INVENTORY, lab_hosts, write_inventory
from tests.lab_checks import TOMCAT, run_playbook

CASES = {
    # id: (extra vars, text the failure message must contain)
    "unknown-balancer": (
        {"tomcat_ha_balancer": "apache"},
        "tomcat_ha_balancer must be one of nginx, httpd, haproxy (got 'apache')",
    ),
    "unknown-strategy": ({"tomcat_ha_strategy": "magic"}, "tomcat_ha_strategy must be one of"),
    "strategy-not-on-balancer": (
        {"tomcat_ha_balancer": "httpd", "tomcat_ha_strategy": "ip_hash"},
        "strategy ip_hash is not offered on httpd",
    ),
    "hosts-group-missing": ({"lab_hosts_group": "nosuch"}, "lab_hosts: no address for group nosuch"),
    "jdk-version": (
        {"jdk_version": "seventeen"},
        "argument 'jdk_version' is of type str and we were unable to convert to int",
    ),
    "app-base-relative": (
        {"session_app_base": "data/webapps"},
        "session_app: session_app_base must be an absolute path",
    ),
    "tomcat-port": ({"tomcat_http_port": 70000}, "tomcat_http_port of 'backend1.qyh.com' must be between 1 and 65535"),
    "duplicate-routes": ({"tomcat_jvm_route": "same"}, "jvm_routes"),
    "route-with-dot": ({"tomcat_jvm_route": "tomcat.1"}, "tomcat.1"),
    "cluster-manager": (
        {"tomcat_ha_strategy": "cluster", "tomcat_cluster_manager": "replicated"},
        "value of tomcat_cluster_manager must be one of: delta, backup, got: replicated",
    ),
    "send-options": (
        {"tomcat_ha_strategy": "cluster", "tomcat_cluster_channel_send_options": "99"},
        "tomcat_cluster_channel_send_options a Tribes option number",
    ),
    "multicast-address": (
        {"tomcat_ha_strategy": "cluster", "tomcat_cluster_mcast_address": "10.1.2.3"},
        "tomcat: tomcat_cluster_mcast_address 10.1.2.3:44664 is not a usable multicast group",
    ),
    "receiver-auto": ({"tomcat_ha_strategy": "cluster", "tomcat_cluster_address": "auto"}, "auto"),
    "receiver-loopback": ({"tomcat_ha_strategy": "cluster", "tomcat_cluster_address": "127.0.0.1"}, "127.0.0.1"),
    "nginx-method": (
        {"nginx_balancer_method": "least_conn"},
        "value of nginx_balancer_method must be one of: round_robin, ip_hash, hash_cookie, route, got: least_conn",
    ),
    "httpd-sticky": (
        {"tomcat_ha_balancer": "httpd", "httpd_balancer_sticky": "cookie"},
        "value of httpd_balancer_sticky must be one of: routeid_cookie, jsessionid, none, got: cookie",
    ),
    "haproxy-timeout": (
        {"tomcat_ha_balancer": "haproxy", "haproxy_balancer_timeout_server": "2 s"},
        "an HAProxy time such as 500ms or 5s",
    ),
    "answer-timeout-below-sync-hold": (
        {"tomcat_ha_balancer": "haproxy", "tomcat_ha_strategy": "cluster", "haproxy_balancer_timeout_server": "3s"},
        "haproxy_balancer: haproxy_balancer_timeout_server is 3s (3.0 s), but a backend can hold an answer for up to"
        " 5 s",
    ),
    "haproxy-tls": (
        {"tomcat_ha_balancer": "haproxy", "tomcat_ha_tls": True},
        "tomcat_ha_tls is offered on nginx and httpd, not on haproxy",
    ),
    "httpd-loadfactor": ({"tomcat_ha_balancer": "httpd", "balancer_member_weight": 101}, "101"),
    "balancer-state": (
        {"nginx_balancer_state": "running"},
        "value of nginx_balancer_state must be one of: present, configured, absent, got: running",
    ),
    "farm-deployer": (
        {"tomcat_ha_strategy": "cluster", "tomcat_cluster_farm_deployer_enabled": True},
        "tomcat: tomcat_cluster_farm_deployer_enabled is no longer supported: FarmWarDeployer cannot work",
    ),
    "route-newline": ({"tomcat_jvm_route": "tomcat1\n"}, "may only contain A-Z, a-z, 0-9"),
    "cluster-key-short": (
        {"tomcat_ha_strategy": "cluster", "tomcat_cluster_encryption_key": "0123abcd"},
        "tomcat: tomcat_cluster_encryption_key must be 32, 48 or 64 hex digits",
    ),
    "firewall-source": (
        {"tomcat_firewall_admin_sources": ["10.0.0.0/8; flush ruleset"]},
        "tomcat: with tomcat_firewall_enabled, tomcat_firewall_http_sources (the balancers)",
    ),
    "route-prefix-dot": (
        {"tomcat_ha_route_prefix": "tom.cat"},
        "route 'tom.cat1' of 'backend1.qyh.com' may only contain",
    ),
}


# verify.yml checks its own settings in its first play, before it probes, loads or faults anything.
VERIFY_CASES = {
    "unknown-fault": (
        {"tomcat_ha_fault": "meteor"},
        "value of verification_fault must be one of: stop, kill, freeze, partition, restart, got: meteor",
    ),
    "too-many-users": ({"tomcat_ha_load_users": 501}, "verify: tomcat_ha_load_users must be 1 to 500"),
    "no-users": ({"tomcat_ha_load_users": 0}, "verify: tomcat_ha_load_users must be 1 to 500"),
    "rate-too-high": (
        {"tomcat_ha_load_rate": 5000},
        "at most 2000 requests per second, at most 100 per user (got 20 users at 5000).",
    ),
    "rate-per-user": (
        {"tomcat_ha_load_users": 2, "tomcat_ha_load_rate": 500},
        "at most 100 per user (got 2 users at 500).",
    ),
    "duration-short": (
        {"tomcat_ha_fault": "stop", "tomcat_ha_load_duration": 10},
        "verify: tomcat_ha_load_duration (10 s) must cover the lead-in (4 s, at least 1), the fault (15 s), "
        "the rejoin (120 s) and the tail (4 s): at least 143 s",
    ),
    "duration-restart": (
        {"tomcat_ha_fault": "restart", "tomcat_ha_load_duration": 30},
        "the fault (0 s), the rejoin (240 s) and the tail (4 s): at least 248 s",
    ),
    "unknown-strategy": ({"tomcat_ha_strategy": "magic"}, "tomcat_ha_strategy must be one of none, ip_hash"),
    # A string of name=value pairs is a mapping to Ansible, as to the probe; a list is not.
    "cookies-not-a-mapping": (
        {"tomcat_ha_probe_cookies": ["JSESSIONID", "ABC"]},
        "argument 'verification_probe_cookies' is of type list and we were unable to convert to dict",
    ),
    "probe-host-unknown": (
        {"tomcat_ha_probe_host": "clinet.qyh.com"},
        "verify: tomcat_ha_probe_host (verification_probe_host) must be a host of the inventory",
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

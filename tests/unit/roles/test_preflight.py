# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Roles' preflights on localhost: bad input stops with one sentence, before any task that changes a host."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from _cli import run

PLAY = """
- name: Preflight only
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Run the role's preflight
      ansible.builtin.include_role:
        name: sessionlab.tomcat_ha.{role}
        tasks_from: preflight
"""


def preflight(repo_root, tmp_path, role, extra):
    """Run ROLE's preflight on localhost with extra vars; return (rc, output)."""
    playbook = tmp_path / "preflight.yml"
    playbook.write_text(PLAY.format(role=role))
    # Modules (the TLS check's stat) run on this Python, whatever interpreter discovery would find.
    interpreter = {"ansible_python_interpreter": sys.executable}
    command = ["ansible-playbook", "-i", "localhost,", "-c", "local", str(playbook), "-e", json.dumps(extra)]
    command += ["-e", json.dumps(interpreter)]
    result = run(repo_root, command)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    return result.returncode, output


def expect(rc, output, message):
    """A preflight that passes (message None), or one that stops with message in its output (whitespace folded)."""
    if message:
        assert rc != 0, output
        assert message.replace("\n", " ") in " ".join(output.split()), output
    else:
        assert rc == 0, output


@pytest.mark.parametrize("role", ["nginx_balancer", "httpd_balancer", "haproxy_balancer"])
@pytest.mark.parametrize(
    ("address", "refused"),
    [("backend1.qyh.com", False), ("[fd00::1]", False), ("fd00::1", True), ("10.0.0.1; include /tmp/x", True)],
)
def test_member_address(repo_root, tmp_path, role, address, refused):
    members = [{"address": address, "port": 8080, "weight": 1, "route": "tomcat1"}]
    rc, output = preflight(repo_root, tmp_path, role, {f"{role}_members": members})
    if refused:
        assert rc != 0, output
        assert "an IPv6 address in brackets, nothing else" in output, output
    else:
        assert rc == 0, output


@pytest.mark.parametrize(
    ("settings", "refused"),
    [
        ({}, False),
        ({"proxy_next_upstream_tries": 2, "proxy_next_upstream_timeout": "10s"}, False),
        ({"proxy_next_upstream_timeout": "1m30s"}, False),
        ({"proxy_next_upstream_tries": -1}, True),
        ({"proxy_next_upstream_tries": "two"}, True),
        ({"proxy_next_upstream_timeout": "10 seconds"}, True),
        ({"proxy_next_upstream_timeout": "1m 30s"}, True),
        ({"proxy_next_upstream_timeout": "10s; include /tmp/x"}, True),
    ],
)
def test_nginx_next_upstream_limits(repo_root, tmp_path, settings, refused):
    members = [{"address": "10.0.0.1", "port": 8080, "route": "tomcat1"}]
    extra = {"nginx_balancer_members": members, **{f"nginx_balancer_{k}": v for k, v in settings.items()}}
    rc, output = preflight(repo_root, tmp_path, "nginx_balancer", extra)
    # A value that is not a whole number at all is the argument spec's to refuse (it names the variable and the value).
    spec = "argument 'nginx_balancer_proxy_next_upstream_tries' is of type str and we were unable to convert to int"
    message = (
        spec
        if settings.get("proxy_next_upstream_tries") == "two"
        else "nginx_balancer_proxy_next_upstream_tries must be a whole number"
    )
    expect(rc, output, message if refused else None)


@pytest.mark.parametrize(
    ("statuses", "refused"),
    [([], False), ([503], False), ([500, 503], False), (["503"], False), ([99], True), ([600], True), ("503", True)],
)
def test_httpd_fail_on_status(repo_root, tmp_path, statuses, refused):
    members = [{"address": "10.0.0.1", "port": 8080, "weight": 1, "route": "t1"}]
    extra = {"httpd_balancer_members": members, "httpd_balancer_fail_on_status": statuses}
    rc, output = preflight(repo_root, tmp_path, "httpd_balancer", extra)
    # A string is no list (the argument spec would split it at its commas); the statuses are the role's own check.
    message = (
        'httpd_balancer_fail_on_status must be a list (got "503")'
        if isinstance(statuses, str)
        else "httpd_balancer_fail_on_status must be a list of HTTP statuses from 100 to 599"
    )
    expect(rc, output, message if refused else None)


@pytest.mark.parametrize(
    ("routes", "refused"),
    [
        (["tomcat1", "tomcat2"], False),
        (["tomcat-1", "node_2"], False),
        (["tomcat1", None], True),
        (["tomcat1", "tomcat1"], True),
        (["tomcat1", "tomcat.2"], True),
        (["tomcat1", "t2; include /tmp/x"], True),
    ],
)
def test_nginx_route_method_needs_a_route_per_member(repo_root, tmp_path, routes, refused):
    members = [
        {"address": f"10.0.0.{n}", "port": 8080, **({"route": route} if route else {})}
        for n, route in enumerate(routes, start=1)
    ]
    extra = {"nginx_balancer_method": "route", "nginx_balancer_members": members}
    rc, output = preflight(repo_root, tmp_path, "nginx_balancer", extra)
    expect(rc, output, "the route method needs each member's jvmRoute as its route" if refused else None)


@pytest.mark.parametrize(
    ("settings", "refused"),
    [
        ({"session_app_context": "ROOT"}, False),
        ({"session_app_context": "lbtest"}, False),
        ({"session_app_context": ".."}, True),
        ({"session_app_context": "."}, True),
        ({"session_app_base": "/data/webapps/../../etc"}, True),
    ],
)
def test_session_app_context_and_base(repo_root, tmp_path, settings, refused):
    rc, output = preflight(repo_root, tmp_path, "session_app", settings)
    if refused:
        assert rc != 0, output
        assert "session_app_context a single directory name such as ROOT" in output, output
    else:
        assert rc == 0, output


KEY = "0123456789abcdef" * 4
# StaticMember uniqueIds as Tomcat reads them: 16 bytes.
UNIQUE_IDS = ["{" + ",".join([str(n)] * 16) + "}" for n in (1, 2)]
# What site.yml passes besides the cluster: the balancers' addresses for the firewall.
FIREWALL = {"tomcat_firewall_http_sources": ["10.0.0.9"]}
CLUSTER = {
    **FIREWALL,
    "tomcat_cluster_enabled": True,
    "tomcat_cluster_encryption_key": KEY,
    "tomcat_cluster_members": [
        {"host": "localhost", "address": "10.0.0.1", "port": 4000, "unique_id": UNIQUE_IDS[0], "route": "tomcat1"},
        {"host": "backend2", "address": "10.0.0.2", "port": 4000, "unique_id": UNIQUE_IDS[1], "route": "tomcat2"},
    ],
}


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({}, None),
        ({"tomcat_cluster_channel_send_options": "use_ack,sync"}, None),
        ({"tomcat_cluster_channel_send_options": "use_ack,snyc"}, "falls back to asynchronous replication"),
        ({"tomcat_cluster_mcast_address": "224.0.0.251"}, "224.0.0.0/24 is reserved for link-local protocols"),
        ({"tomcat_cluster_mcast_address": "255.255.255.255"}, "is not a usable multicast group"),
        ({"tomcat_cluster_mcast_drop_time": 500}, "or members are dropped between two heartbeats"),
        ({"tomcat_cluster_mcast_frequency": 0}, "or members are dropped between two heartbeats"),
        ({"tomcat_cluster_encryption_key": KEY[:32]}, None),
        ({"tomcat_cluster_encryption_key": KEY[:48].upper()}, None),
        ({"tomcat_cluster_encryption_key": ""}, "must be 32, 48 or 64 hex digits, an AES key of 128, 192 or 256 bits"),
        ({"tomcat_cluster_encryption_key": KEY[:31]}, "(got 31 characters)"),
        ({"tomcat_cluster_encryption_key": KEY[:63] + "g"}, "(got 64 characters, not all hex digits)"),
        ({"tomcat_cluster_encryption_key": KEY + "\n"}, "(got 65 characters"),
        ({"tomcat_cluster_encryption_key": "", "tomcat_cluster_encryption_enabled": False}, None),
        (
            {"tomcat_cluster_encryption_algorithm": "DES/ECB/NoPadding"},
            "value of tomcat_cluster_encryption_algorithm must be one of: AES/GCM/NoPadding, AES/CBC/PKCS5Padding",
        ),
        ({"tomcat_http_port": 4000}, "listens on port 4000, which must differ from tomcat_http_port (4000)"),
        ({"tomcat_cluster_receiver_auto_bind": 100}, "keep that one port"),
        ({"tomcat_cluster_receiver_auto_bind": 100, "tomcat_firewall_enabled": False}, None),
        ({"tomcat_cluster_sender_timeout": 1000, "tomcat_cluster_failure_detector_read_test": True}, None),
        ({"tomcat_cluster_sender_timeout": 0}, "must be whole numbers of milliseconds above 0 (got 0, 1000, 5000)"),
        (
            {"tomcat_cluster_failure_detector_read_timeout": "1s"},
            "argument 'tomcat_cluster_failure_detector_read_timeout' is of type str and we were unable to convert",
        ),
        ({"tomcat_cluster_sender_max_retry_attempts": -1}, "0 or more (got -1)"),
    ],
)
def test_tomcat_cluster_settings(repo_root, tmp_path, settings, message):
    rc, output = preflight(repo_root, tmp_path, "tomcat", {**CLUSTER, **settings})
    expect(rc, output, message)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({}, None),
        ({"tomcat_firewall_http_sources": ["10.0.0.0/8", "fd00::/64", "fd00::9"]}, None),
        ({"tomcat_firewall_http_sources": [], "tomcat_firewall_admin_sources": ["192.0.2.0/24"]}, None),
        ({"tomcat_firewall_http_sources": []}, "at least one IP address or network in all"),
        ({"tomcat_firewall_http_sources": ["10.0.0.1; flush ruleset"]}, "must\nlist IP addresses or networks"),
        ({"tomcat_firewall_admin_sources": ["lb.example.com"]}, "list IP addresses or networks such as 10.0.0.5"),
        ({"tomcat_firewall_http_sources": "10.0.0.1"}, 'tomcat_firewall_http_sources must be a list (got "10.0.0.1")'),
        ({"tomcat_firewall_http_sources": [], "tomcat_firewall_enabled": False}, None),
        ({"tomcat_firewall_nft_table": "inet filter"}, "tomcat_firewall_nft_table must be a plain word"),
        ({"tomcat_http_address": "[fd00::1]"}, None),
        ({"tomcat_http_address": "10.0.0.1 8081"}, "tomcat_http_address must be an IP address of this host"),
        ({"tomcat_http_address": "fd00::1"}, None),
        ({"tomcat_http_address": "127.0.0.1"}, "binds loopback only, where no balancer"),
        ({"tomcat_http_address": "127.0.0.1", "tomcat_firewall_http_sources": ["127.0.0.1"]}, None),
        ({"tomcat_remote_ip_internal_proxies": ["10.0.0.9", "fd00::9"]}, None),
        ({"tomcat_remote_ip_internal_proxies": ["10.0.0.0/8"]}, "must list IP addresses without prefix lengths"),
        ({"tomcat_firewall_admin_sources": ["::/0"]}, "let everyone (0.0.0.0/0 or ::/0) reach Tomcat's connector"),
        ({"tomcat_firewall_admin_sources": ["::/0"], "tomcat_firewall_allow_any_source": True}, None),
    ],
)
def test_tomcat_firewall_and_connector_settings(repo_root, tmp_path, settings, message):
    rc, output = preflight(repo_root, tmp_path, "tomcat", {**FIREWALL, **settings})
    expect(rc, output, message)


@pytest.mark.parametrize(
    ("role", "settings", "message"),
    [
        ("session_app", {"session_app_cookie_same_site": "Strict"}, None),
        ("session_app", {"session_app_cookie_same_site": "lax"}, "must be one of: Strict, Lax, None, got: lax"),
        ("session_app", {"session_app_cookie_same_site": "None"}, "None needs session_app_cookie_secure true"),
        ("session_app", {"session_app_cookie_same_site": "None", "session_app_cookie_secure": True}, None),
        ("httpd_balancer", {"httpd_balancer_routeid_cookie_same_site": "None"}, "None only with"),
        (
            "httpd_balancer",
            {"httpd_balancer_proxy_via": True},
            "value of httpd_balancer_proxy_via must be one of: On, Off, Full, Block, got: True",
        ),
        ("httpd_balancer", {"httpd_balancer_routeid_cookie": "ROUTEID\n"}, "the balancer and cookie names plain words"),
        (
            "httpd_balancer",
            {"httpd_balancer_health_check_path": "", "httpd_balancer_health_check_interval": "100ms"},
            None,
        ),
        (
            "httpd_balancer",
            {"httpd_balancer_health_check_path": "/health.jsp hcexpr=x"},
            'an absolute path without spaces or quotes, or "" for no active checks (got "/health.jsp hcexpr=x")',
        ),
        ("httpd_balancer", {"httpd_balancer_health_check_interval": "50ms"}, 'milliseconds from 100ms (got "50ms")'),
        ("httpd_balancer", {"httpd_balancer_health_check_interval": "1.5"}, 'milliseconds from 100ms (got "1.5")'),
        ("httpd_balancer", {"httpd_balancer_health_check_fails": 0}, "whole numbers from 1 (got 2 and 0)"),
    ],
)
def test_cookie_and_header_settings(repo_root, tmp_path, role, settings, message):
    members = {"httpd_balancer_members": [{"address": "10.0.0.1", "port": 8080, "weight": 1, "route": "t1"}]}
    rc, output = preflight(repo_root, tmp_path, role, {**members, **settings} if role == "httpd_balancer" else settings)
    expect(rc, output, message)


@pytest.mark.parametrize("role", ["nginx_balancer", "httpd_balancer"])
@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({}, None),
        ({"tls_hsts_max_age": 31536000, "tls_listen_port": 8443}, None),
        (
            {"tls_certificate": "{tmp}/missing.pem"},
            "/missing.pem missing on localhost: put the certificate and key there",
        ),
        ({"tls_certificate_key": "balancer.key"}, "absolute paths without spaces, quotes or ';'"),
        ({"tls_certificate": "{tmp}/cert.pem; include /tmp/x"}, "absolute paths without spaces, quotes or ';'"),
        ({"tls_listen_port": 80}, "must be a port in 1-65535 other than"),
        ({"tls_hsts_max_age": "1y"}, "tls_hsts_max_age' is of type str and we were unable to convert to int"),
        ({"server_name": "lb lb2"}, "must then be one host name"),
        ({"server_name": "lb lb2", "tls_redirect": False}, None),
    ],
)
def test_balancer_tls_settings(repo_root, tmp_path, role, settings, message):
    (tmp_path / "cert.pem").write_text("certificate\n")
    (tmp_path / "key.pem").write_text("key\n")
    tls = {"tls_enabled": True, "tls_certificate": f"{tmp_path}/cert.pem", "tls_certificate_key": f"{tmp_path}/key.pem"}
    tls.update({k: v.replace("{tmp}", str(tmp_path)) if isinstance(v, str) else v for k, v in settings.items()})
    members = [{"address": "10.0.0.1", "port": 8080, "weight": 1, "route": "t1"}]
    extra = {f"{role}_members": members, **{f"{role}_{k}": v for k, v in tls.items()}}
    if role == "httpd_balancer" and "server_name" not in settings:
        extra["httpd_balancer_server_name"] = "lb.example.com"
    # httpd's ServerName takes one name, with or without the redirect (ServerAlias would take more).
    if role == "httpd_balancer" and settings.get("server_name") == "lb lb2":
        message = "httpd_balancer_server_name must be one host name"
    rc, output = preflight(repo_root, tmp_path, role, extra)
    expect(rc, output, message)


HAPROXY_MEMBERS = [
    {"address": "10.0.0.1", "port": 8080, "weight": 1, "route": "tomcat1"},
    {"address": "[fd00::2]", "port": 8080, "weight": 1, "route": "tomcat2"},
]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({}, None),
        ({"check_interval": "500ms", "timeout_server": "2s", "retry_on": ["conn-failure"], "retry_methods": []}, None),
        ({"check_interval": "fast"}, '{"haproxy_balancer_check_interval": "fast"}: every timeout'),
        ({"timeout_server": "2 s"}, '{"haproxy_balancer_timeout_server": "2 s"}: every timeout'),
        ({"timeout_server": "30"}, "a number alone is milliseconds to HAProxy, and 0 means no timeout at all"),
        ({"timeout_client": "0s"}, "a number alone is milliseconds to HAProxy, and 0 means no timeout at all"),
        ({"retry_on": ["conn-failure", "all-retryable-errors"]}, "haproxy_balancer_retry_on a list of conn-failure"),
        ({"retry_on": "conn-failure"}, 'haproxy_balancer_retry_on must be a list (got "conn-failure")'),
        ({"retry_methods": ["get"]}, "a list of HTTP methods in capitals"),
        ({"check_fall": 0}, "check_fall and check_rise whole numbers from 1"),
        ({"check_path": "/health.jsp x"}, "an absolute path without spaces or quotes"),
        ({"stats_port": 80}, "the stats port another port or 0"),
        ({"sticky": "jsessionid"}, "value of haproxy_balancer_sticky must be one of: cookie, none, got: jsessionid"),
        ({"cookie_same_site": "None"}, "None only with haproxy_balancer_cookie_secure"),
        ({"members": [{**HAPROXY_MEMBERS[0], "weight": 300}]}, "a weight in 0-256"),
        ({"members": [HAPROXY_MEMBERS[0], HAPROXY_MEMBERS[0]]}, "the routes must be different words"),
    ],
)
def test_haproxy_settings(repo_root, tmp_path, settings, message):
    extra = {"haproxy_balancer_members": HAPROXY_MEMBERS, **{f"haproxy_balancer_{k}": v for k, v in settings.items()}}
    rc, output = preflight(repo_root, tmp_path, "haproxy_balancer", extra)
    expect(rc, output, message)


def debian_release() -> str:
    """This host's Debian major version, which the preflights below read from its facts."""
    lines = Path("/etc/os-release").read_text().splitlines()
    fields = dict(line.split("=", 1) for line in lines if "=" in line)
    assert fields.get("ID") == "debian", "the unit tests run on Debian 12 or 13"
    return fields["VERSION_ID"].strip('"')


# Per Debian release: what it packages, the default first, and one version it does not package.
RELEASE_VERSIONS = {
    "12": {"jdk": ([17], 21), "tomcat": ([10], 11)},
    "13": {"jdk": ([21, 25], 17), "tomcat": ([11, 10], 12)},
}


@pytest.mark.parametrize("role", ["jdk", "tomcat"])
def test_versions_come_from_the_release(repo_root, tmp_path, role):
    release = debian_release()
    packaged, missing = RELEASE_VERSIONS[release][role]
    extra = FIREWALL if role == "tomcat" else {}
    rc, output = preflight(repo_root, tmp_path, role, extra)
    assert rc == 0, output
    for version in packaged:
        rc, output = preflight(repo_root, tmp_path, role, {**extra, f"{role}_version": version})
        assert rc == 0, output
    rc, output = preflight(repo_root, tmp_path, role, {**extra, f"{role}_version": missing})
    assert rc != 0, output
    name = "OpenJDK" if role == "jdk" else "Tomcat"
    expected = f"{role}: Debian {release} packages no {name} {missing}: set {role}_version to one of "
    assert expected + ", ".join(map(str, packaged)) + " (the first is the default)" in output, output


@pytest.mark.parametrize(
    ("role", "value", "message"),
    [
        ("jdk", "seventeen", "argument 'jdk_version' is of type str and we were unable to convert to int"),
        ("jdk", 8, "jdk: jdk_version must be a whole major version, 11 or newer, or unset"),
        ("tomcat", "ten", "argument 'tomcat_version' is of type str and we were unable to convert to int"),
        ("tomcat", 9, "tomcat: tomcat_version must be a major version, 10 or newer, or unset"),
    ],
)
def test_bad_versions(repo_root, tmp_path, role, value, message):
    extra = FIREWALL if role == "tomcat" else {}
    rc, output = preflight(repo_root, tmp_path, role, {**extra, f"{role}_version": value})
    assert rc != 0, output
    assert message in output, output

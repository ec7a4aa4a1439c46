# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The bad-input table: values a user could give, each with where it is given and what refusing it must say.

Grouped by the kinds of issue 31. Every case names the variable its sentence must name (var), how the sentence must
show the value (shows: the value itself, or for a secret what is wrong with it), a fragment of the sentence (says),
and, for the record of what the collection did before it refused such a value, what would have stopped the run
after hosts had changed (later: nginx -t, apt, Tomcat...), or None when nothing would have (a broken or weaker
site, and a green run).

Entries: role:<name> (the role's preflight entry point alone, as a user's own playbook runs it), site and verify
(the first play of site.yml and verify.yml, on four hosts standing in for the lab's: lb, backend1, backend2,
client), filter:<module>[.<function>] (the filter called with the case's hosts as hostvars). A verify case may give
the record site.yml left on some hosts (records: read back as their local facts) and values given with -e (extra).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

KINDS = {
    "booleans": "Booleans that read false",
    "secrets": "The cluster key, its algorithm and its strength",
    "injection": "Values that break or add to a configuration file",
    "types": "Types checked too late",
    "firewall": "Firewall gaps",
    "timeouts": "Timeouts that mean no timeout, or milliseconds",
    "verify": "verify.yml's settings",
    "overridden": "Values that site.yml replaced",
    "sentences": "Tracebacks and wrong sentences",
    "green": "Green runs that serve nothing",
}

KEY = "0123456789abcdef" * 4
U1 = "{" + ",".join(["1"] * 16) + "}"
U2 = "{" + ",".join(["2"] * 16) + "}"
MEMBERS = [{"address": "10.0.0.1", "port": 8080, "weight": 1, "route": "tomcat1"}]
SELF = {"host": "localhost", "address": "10.0.0.1", "port": 4000, "unique_id": U1}
PEER = {"host": "backend2", "address": "10.0.0.2", "port": 4000, "unique_id": U2}
CLUSTER = {
    "tomcat_cluster_enabled": True,
    "tomcat_cluster_encryption_key": KEY,
    "tomcat_cluster_member_name": "localhost",
    "tomcat_cluster_members": [SELF, PEER],
}
# The session store on a backend, complete: each case changes one of its settings.
STORE = {
    "tomcat_session_store_enabled": True,
    "tomcat_session_store_host": "db.example",
    "tomcat_session_store_password": "correct-horse-battery",
}
# The cluster without its members, or without its key, for the cases that give their own.
NO_MEMBERS = {k: v for k, v in CLUSTER.items() if k != "tomcat_cluster_members"}
NO_KEY = {k: v for k, v in CLUSTER.items() if k != "tomcat_cluster_encryption_key"}
# What each role's preflight gets besides the case's own values: what site.yml would give it.
BASE = {
    "tomcat": {"tomcat_firewall_http_sources": ["10.0.0.9"]},
    "nginx_balancer": {"nginx_balancer_members": MEMBERS},
    "httpd_balancer": {"httpd_balancer_members": MEMBERS},
    "haproxy_balancer": {"haproxy_balancer_members": MEMBERS},
    "balancer": {"balancer_members": MEMBERS},
    "lab_hosts": {"lab_hosts_address": "10.0.0.5"},
    "session_store": {"session_store_password": "correct-horse-battery", "session_store_clients": ["10.0.0.11"]},
}
# TLS on, with the files the runner writes in its work directory ({work}) and a name for the redirect.
TLS_FILES = {
    role: {f"{role}_tls_enabled": True, f"{role}_tls_certificate": "{work}/cert.pem",
           f"{role}_tls_certificate_key": "{work}/key.pem", f"{role}_server_name": "lb.example.com"}
    for role in ("nginx_balancer", "httpd_balancer")
}  # fmt: skip
# The hosts of site and verify cases: the cluster's addresses, which the local aliases cannot take from their facts.
SITE_HOSTS = {
    "backend1.qyh.com": {"tomcat_cluster_address": "198.51.100.21"},
    "backend2.qyh.com": {"tomcat_cluster_address": "198.51.100.22"},
}


@dataclass(frozen=True)
class Case:
    kind: str
    entry: str
    slug: str
    var: str
    shows: str
    says: str
    settings: dict = field(default_factory=dict)
    hosts: dict = field(default_factory=dict)
    later: str | None = None
    records: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.kind}/{self.entry.split(':')[-1]}/{self.slug}"


def _shown(value) -> str:
    return json.dumps(value) if not isinstance(value, str) or len(value) < 4 or value != value.strip() else value


def role(kind, name, slug, var, value, says, later=None, shows=None, **settings):
    """A value of var given to the role's preflight alone."""
    return Case(
        kind,
        f"role:{name}",
        slug,
        var,
        _shown(value) if shows is None else shows,
        says,
        {**settings, var: value},
        later=later,
    )


def play(kind, entry, slug, var, value, says, later=None, shows=None, hosts=None, named=None, **settings):
    """A value of var in the inventory (all hosts, or the hosts given) of site.yml's or verify.yml's first play; the
    sentence names var, or the variable named (a role's own, which Ansible's validation names)."""
    if hosts:
        hosts = {h: {var: value} for h in hosts}
    else:
        settings = {var: value, **settings}
    shown = _shown(value) if shows is None else shows
    return Case(kind, entry, slug, named or var, shown, says, settings, hosts or {}, later)


def site(*args, **kwargs):
    return play(args[0], "site", *args[1:], **kwargs)


def verify(*args, **kwargs):
    return play(args[0], "verify", *args[1:], **kwargs)


def deployed(slug, var, shows, says, records, extra=None):
    """verify.yml's first play on hosts that hold the records given (host -> what site.yml wrote), with -e extra."""
    return Case("verify", "verify", slug, var, shows, says, records=records, extra=extra or {})


def filt(kind, entry, slug, var, value, says, later=None, shows=None, host="b1", **settings):
    """A host variable of one backend (b1, beside b2) given to a filter."""
    hosts = {"b1": {"tomcat_cluster_address": "10.0.0.1"}, "b2": {"tomcat_cluster_address": "10.0.0.2"}}
    hosts[host] = {**hosts[host], var: value}
    return Case(
        kind, f"filter:{entry}", slug, var, _shown(value) if shows is None else shows, says, settings, hosts, later
    )


def _tls_cases(name):
    """The TLS settings a balancer role (nginx_balancer or httpd_balancer) refuses, with TLS on."""
    tls = TLS_FILES[name]
    # nginx takes several server names, and wants one only for the redirect; httpd's ServerName is always one.
    names = "must then be one host name" if name == "nginx_balancer" else "must be one host name"
    return [
        role("injection", name, "tls-key-relative", f"{name}_tls_certificate_key", "balancer.key",
             "absolute paths without spaces, quotes or ';'", **tls),
        role("injection", name, "tls-certificate-include", f"{name}_tls_certificate", "{work}/cert.pem; include /tmp/x",
             "absolute paths without spaces, quotes or ';'", shows="include /tmp/x", **tls),
        role("types", name, "tls-port-on-http-port", f"{name}_tls_listen_port", 80, "must be a port in 1-65535 other than",
             shows="got 80 and 80", **tls),
        role("types", name, "hsts-unit", f"{name}_tls_hsts_max_age", "1y",
             "is of type str and we were unable to convert to int", **tls),
        role("injection", name, "server-name-two", f"{name}_server_name", "lb lb2", names, **tls),
        role("green", name, "tls-certificate-missing", f"{name}_tls_certificate", "{work}/missing.pem", "missing on",
             shows="/missing.pem", **tls),
    ]  # fmt: skip


STRICT_BOOL = "must be true or false"
# What site.yml records on the balancers and the backends (/etc/ansible/facts.d/tomcat_ha.fact).
HTTPD_STICKY = {"balancer": "httpd", "strategy": "sticky", "tls": False, "served_by_header": "X-Served-By"}
NGINX_CLUSTER = {**HTTPD_STICKY, "balancer": "nginx", "strategy": "cluster"}
EVERY_RECORD = dict.fromkeys(("lb.qyh.com", "backend1.qyh.com", "backend2.qyh.com"), HTTPD_STICKY)

# fmt: off
CASES = [
    # --- Booleans that read false: the argument spec takes y, t and "yes " (as true, or true after a strip), every
    # `| bool` reads them as false.
    role("booleans", "tomcat", "encryption-y", "tomcat_cluster_encryption_enabled", "y", STRICT_BOOL, **CLUSTER),
    role("booleans", "tomcat", "encryption-t", "tomcat_cluster_encryption_enabled", "t", STRICT_BOOL, **CLUSTER),
    role("booleans", "tomcat", "encryption-yes-space", "tomcat_cluster_encryption_enabled", "yes ", STRICT_BOOL,
         **CLUSTER),
    role("booleans", "tomcat", "firewall-y", "tomcat_firewall_enabled", "y", STRICT_BOOL),
    role("booleans", "tomcat", "firewall-t", "tomcat_firewall_enabled", "t", STRICT_BOOL),
    role("booleans", "tomcat", "cluster-y", "tomcat_cluster_enabled", "y", STRICT_BOOL),
    role("booleans", "tomcat", "service-enabled-y", "tomcat_service_enabled", "y", STRICT_BOOL),
    role("booleans", "tomcat", "auto-deploy-t", "tomcat_host_auto_deploy", "t", STRICT_BOOL),
    role("booleans", "tomcat", "route-binder-y", "tomcat_cluster_jvm_route_binder", "y", STRICT_BOOL, **CLUSTER),
    role("booleans", "tomcat", "read-test-yes-space", "tomcat_cluster_failure_detector_read_test", "yes ", STRICT_BOOL,
         **CLUSTER),
    role("booleans", "tomcat", "firewall-two", "tomcat_firewall_enabled", 2, "not a valid boolean"),
    role("booleans", "session_app", "cookie-secure-y", "session_app_cookie_secure", "y", STRICT_BOOL),
    role("booleans", "session_app", "distributable-t", "session_app_distributable", "t", STRICT_BOOL),
    role("booleans", "nginx_balancer", "tls-y", "nginx_balancer_tls_enabled", "y", STRICT_BOOL),
    role("booleans", "nginx_balancer", "reuseport-t", "nginx_balancer_listen_reuseport", "t", STRICT_BOOL),
    role("booleans", "nginx_balancer", "proxy-root-y", "nginx_balancer_proxy_root", "y", STRICT_BOOL),
    role("booleans", "httpd_balancer", "tls-t", "httpd_balancer_tls_enabled", "t", STRICT_BOOL),
    role("booleans", "httpd_balancer", "cookie-secure-y", "httpd_balancer_routeid_cookie_secure", "y", STRICT_BOOL),
    role("booleans", "httpd_balancer", "nofailover-yes-space", "httpd_balancer_nofailover", "yes ", STRICT_BOOL),
    role("booleans", "haproxy_balancer", "cookie-secure-t", "haproxy_balancer_cookie_secure", "t", STRICT_BOOL),
    role("booleans", "balancer", "tls-y", "balancer_tls_enabled", "y", STRICT_BOOL),
    role("booleans", "balancer", "redirect-t", "balancer_tls_redirect", "t", STRICT_BOOL),
    role("booleans", "lab_hosts", "unsafe-writes-y", "lab_hosts_unsafe_writes", "y", STRICT_BOOL),
    role("booleans", "jdk", "headless-t", "jdk_headless", "t", STRICT_BOOL),
    site("booleans", "tls-y", "tomcat_ha_tls", "y", STRICT_BOOL),
    site("booleans", "tls-yes-space", "tomcat_ha_tls", "yes ", STRICT_BOOL),
    site("booleans", "tls-redirect-t", "tomcat_ha_tls_redirect", "t", STRICT_BOOL, tomcat_ha_tls=True),
    site("booleans", "firewall-y", "tomcat_firewall_enabled", "y", STRICT_BOOL),
    site("booleans", "encryption-y", "tomcat_cluster_encryption_enabled", "y", STRICT_BOOL,
         tomcat_ha_strategy="cluster"),
    filt("booleans", "balancer_members", "member-backup-t", "balancer_member_backup", "t", "must be a boolean"),
    verify("booleans", "audit-y", "tomcat_ha_audit", "y", STRICT_BOOL),
    verify("booleans", "fault-confirm-y", "tomcat_ha_fault_confirm", "y", STRICT_BOOL, tomcat_ha_lab=False),
    # --- The cluster key and its algorithm: CBC is malleable (Tomcat's docs), an all-zero key is no secret, and a
    # sentence never shows the key.
    role("secrets", "tomcat", "cbc", "tomcat_cluster_encryption_algorithm", "AES/CBC/PKCS5Padding",
         "does not authenticate", **CLUSTER),
    role("secrets", "tomcat", "all-zero-256", "tomcat_cluster_encryption_key", "0" * 64, "all zeros",
         shows="64 hex digits", **NO_KEY),
    role("secrets", "tomcat", "all-zero-128", "tomcat_cluster_encryption_key", "0" * 32, "all zeros",
         shows="32 hex digits", **NO_KEY),
    role("secrets", "tomcat", "key-newline", "tomcat_cluster_encryption_key", KEY[:32] + "\n",
         "must be 32, 48 or 64 hex digits", later="Tomcat", shows="33 characters",
         **NO_KEY),
    role("secrets", "tomcat", "key-number", "tomcat_cluster_encryption_key", 1234, "must be 32, 48 or 64 hex digits",
         shows="4 characters", **NO_KEY),
    site("secrets", "cbc", "tomcat_cluster_encryption_algorithm", "AES/CBC/PKCS5Padding", "does not authenticate",
         tomcat_ha_strategy="cluster"),
    site("secrets", "all-zero", "tomcat_cluster_encryption_key", "0" * 64, "all zeros", shows="64 hex digits",
         tomcat_ha_strategy="cluster"),
    # --- Injection into configuration files: server.xml, httpd, nginx, HAProxy, nftables, systemd, /etc/hosts.
    site("injection", "zone-id-valve", "tomcat_cluster_address",
         'fe80::1%eth0"/><Valve className="org.apache.catalina.valves.AccessLogValve"/><x a="', "zone",
         shows="Valve className", hosts=["backend1.qyh.com"], tomcat_ha_strategy="cluster"),
    filt("injection", "cluster_members", "zone-id-lt", "tomcat_cluster_address", "fe80::1%<x>", "zone"),
    filt("injection", "cluster_members", "zone-id-quote", "tomcat_cluster_address", 'fd00::1%a"b', "zone"),
    role("injection", "httpd_balancer", "server-name-newline", "httpd_balancer_server_name",
         "lb\nProxyPass /x http://evil.example/", "one host name", shows='"lb\\nProxyPass /x'),
    role("injection", "httpd_balancer", "server-name-space", "httpd_balancer_server_name", "lb ServerAlias *",
         "one host name", later="apachectl -t"),
    role("injection", "nginx_balancer", "server-name-block", "nginx_balancer_server_name",
         "lb; location /etc/ { alias /etc/; autoindex on; }", "host names separated by spaces"),
    role("injection", "nginx_balancer", "location-autoindex", "nginx_balancer_location_pattern",
         "\\.jsp$ { proxy_pass http://tomcats; } location /etc/ { alias /etc/; autoindex on; } location ~ x",
         "a regular expression", shows="autoindex on"),
    role("injection", "nginx_balancer", "location-quote", "nginx_balancer_location_pattern", '"x',
         "a regular expression", later="nginx -t"),
    role("injection", "nginx_balancer", "location-bad-regex", "nginx_balancer_location_pattern", "\\.(jsp$",
         "a regular expression", later="nginx -t"),
    role("injection", "nginx_balancer", "fail-timeout-server", "nginx_balancer_fail_timeout",
         "10s; server evil.example:80", "nginx time", shows="server evil.example:80"),
    role("injection", "nginx_balancer", "read-timeout-location", "nginx_balancer_proxy_read_timeout",
         "60s; location /secret/ { alias /etc/; autoindex on; }", "nginx time", shows="autoindex on"),
    role("injection", "nginx_balancer", "connect-timeout-header", "nginx_balancer_proxy_connect_timeout",
         "5s; add_header X-Injected 1", "nginx time", shows="X-Injected"),
    role("injection", "nginx_balancer", "next-upstream-directive", "nginx_balancer_proxy_next_upstream",
         "error timeout; autoindex on", "nginx_balancer_proxy_next_upstream", shows="autoindex on"),
    role("injection", "nginx_balancer", "next-upstream-word", "nginx_balancer_proxy_next_upstream", "error sometimes",
         "nginx_balancer_proxy_next_upstream", later="nginx -t"),
    role("injection", "nginx_balancer", "upstream-newline", "nginx_balancer_upstream_name", "tomcats\n", "plain word",
         shows='"tomcats\\n"'),
    role("injection", "nginx_balancer", "cookie-newline", "nginx_balancer_hash_cookie_name", "JSESSIONID\n",
         "plain word", shows='"JSESSIONID\\n"'),
    site("injection", "hosts-line", "lab_hosts_address", "10.0.0.1 evil.example\n10.6.6.6 backend1.qyh.com",
         "an IP address", shows="evil.example", hosts=["backend2.qyh.com"]),
    role("injection", "lab_hosts", "hosts-address-name", "lab_hosts_address", "backend1 10.6.6.6", "an IP address"),
    role("injection", "lab_hosts", "marker-newline", "lab_hosts_marker", "x\n10.6.6.6 lb.qyh.com", "one line",
         shows="10.6.6.6 lb.qyh.com"),
    role("injection", "tomcat", "host-name-attribute", "tomcat_host_name", 'b1" appBase="/etc', "a host name",
         shows='appBase=\\"/etc'),
    role("injection", "tomcat", "app-base-attribute", "tomcat_app_base", '/data/webapps" deployXML="true',
         "an absolute path", shows='deployXML=\\"true'),
    role("injection", "tomcat", "unique-id-attribute", "tomcat_cluster_members",
         [{**SELF, "unique_id": '{1}" x="'}, PEER], "unique_id", shows='x=\\"', **NO_MEMBERS),
    role("injection", "tomcat", "member-address-attribute", "tomcat_cluster_members",
         [{**SELF, "address": '10.0.0.1" autoBind="100'}, PEER], "an IP address", shows='autoBind=\\"100',
         **NO_MEMBERS),
    role("injection", "tomcat", "firewall-file-newline", "tomcat_firewall_file", "/etc/x.nft\nExecStartPre=/bin/false",
         "an absolute path", shows="ExecStartPre=/bin/false"),
    role("injection", "tomcat", "firewall-unit-path", "tomcat_firewall_unit", "../../x", "a unit name",
         shows="../../x"),
    role("injection", "tomcat", "cluster-name-space", "tomcat_cluster_name", "a b", "plain name", later="Tomcat",
         **CLUSTER),
    role("injection", "httpd_balancer", "site-name-path", "httpd_balancer_site_name", "../../../etc/x", "plain word"),
    role("injection", "httpd_balancer", "member-retry-newline", "httpd_balancer_member_retry", "60\n", "whole number",
         later="apachectl -t", shows='"60\\n"'),
    role("injection", "httpd_balancer", "listen-port-newline", "httpd_balancer_listen_port", "80\n", "whole number",
         later="apachectl -t", shows='"80\\n"'),
    role("injection", "nginx_balancer", "max-fails-newline", "nginx_balancer_max_fails", "1\n", "whole number",
         shows='"1\\n"'),
    role("injection", "haproxy_balancer", "listen-port-newline", "haproxy_balancer_listen_port", "80\n", "whole number",
         later="haproxy -c", shows='"80\\n"'),
    role("injection", "session_app", "timeout-newline", "session_app_session_timeout", "30\n", "whole number",
         shows='"30\\n"'),
    role("injection", "tomcat", "mcast-port-newline", "tomcat_cluster_mcast_port", "44664\n", "whole number",
         later="nft -c", shows='"44664\\n"', **CLUSTER),
    # --- Types checked too late: values the argument spec converts for itself while the role reads them raw.
    role("types", "tomcat", "version-newline", "tomcat_version", "10\n", "whole number", later="apt", shows='"10\\n"'),
    role("types", "jdk", "version-newline", "jdk_version", "17\n", "whole number", later="apt", shows='"17\\n"'),
    role("types", "tomcat", "http-port-true", "tomcat_http_port", True, "whole number", later="Tomcat"),
    role("types", "tomcat", "http-port-float", "tomcat_http_port", 8080.0, "whole number", later="Tomcat"),
    role("types", "tomcat", "start-timeout-float", "tomcat_start_timeout", 120.5, "cannot be converted to an int",
         shows="120.5"),
    role("types", "tomcat", "keep-webapps-string", "tomcat_keep_webapps", "manager", "must be a list"),
    # Refused by Ansible's own validation, which runs first and names the value's type, not the value.
    role("types", "tomcat", "members-string", "tomcat_cluster_members", "b1,b2", "unable to convert to dict",
         shows="is of type str", **NO_MEMBERS),
    role("types", "tomcat", "host-name-list", "tomcat_host_name", ["b1", "b2"], "must be a string", later="Tomcat",
         shows='["b1", "b2"]'),
    role("types", "nginx_balancer", "listen-port-space", "nginx_balancer_listen_port", " 80", "whole number",
         shows='" 80"'),
    role("types", "nginx_balancer", "keepalive-float", "nginx_balancer_keepalive", 2.0, "whole number",
         later="nginx -t"),
    role("types", "nginx_balancer", "member-port-true", "nginx_balancer_members",
         [{"address": "10.0.0.1", "port": True}], "whole number", later="nginx -t", shows="true"),
    role("types", "nginx_balancer", "member-down-y", "nginx_balancer_members",
         [{"address": "10.0.0.1", "port": 8080, "down": "y"}, {"address": "10.0.0.2", "port": 8080}], STRICT_BOOL,
         shows='"y"'),
    role("types", "haproxy_balancer", "member-weight-float", "haproxy_balancer_members",
         [{"address": "10.0.0.1", "port": 8080, "weight": 1.0, "route": "t1"}], "whole number", later="haproxy -c",
         shows="1.0"),
    role("types", "haproxy_balancer", "retries-float", "haproxy_balancer_retries", 2.0, "whole number"),
    role("types", "httpd_balancer", "hsts-float", "httpd_balancer_tls_hsts_max_age", 60.0, "whole number"),
    role("types", "session_app", "reload-timeout-float", "session_app_reload_timeout", 90.5,
         "cannot be converted to an int", shows="90.5"),
    role("types", "lab_hosts", "short-names-two", "lab_hosts_short_names", 2, "not a valid boolean"),
    role("types", "balancer", "hsts-true", "balancer_tls_hsts_max_age", True, "whole number"),
    role("types", "balancer", "members-string", "balancer_members", "10.0.0.1:8080", "unable to convert to dict",
         shows="is of type str"),
    site("types", "http-port-newline", "tomcat_ha_http_port", "8080\n", "whole number", shows='"8080\\n"'),
    site("types", "cluster-port-float", "tomcat_ha_cluster_port", 4000.0, "whole number", tomcat_ha_strategy="cluster"),
    site("types", "hsts-float", "tomcat_ha_tls_hsts_max_age", 60.5, "whole number", tomcat_ha_tls=True),
    site("types", "member-weight-true", "balancer_member_weight", True, "must be an integer", hosts=["backend1.qyh.com"]),
    site("types", "route-list", "tomcat_jvm_route", ["a"], "must be a string", shows='["a"]',
         hosts=["backend1.qyh.com"]),
    # --- Firewall gaps: sources nft refuses only after Tomcat was installed, and sources that open Tomcat to all.
    role("firewall", "tomcat", "source-999", "tomcat_firewall_http_sources", ["999.1.1.1"], "IP addresses or networks",
         later="nft -c", shows="999.1.1.1"),
    role("firewall", "tomcat", "source-prefix-33", "tomcat_firewall_admin_sources", ["10.0.0.0/33"],
         "IP addresses or networks", later="nft -c", shows="10.0.0.0/33"),
    role("firewall", "tomcat", "source-v6-129", "tomcat_firewall_admin_sources", ["fd00::/129"],
         "IP addresses or networks", later="nft -c", shows="fd00::/129"),
    role("firewall", "tomcat", "source-colons", "tomcat_firewall_admin_sources", [":::::"], "IP addresses or networks",
         later="nft -c", shows=":::::"),
    role("firewall", "tomcat", "source-v6-any", "tomcat_firewall_admin_sources", ["::/0"], "everyone", shows="::/0"),
    role("firewall", "tomcat", "source-v4-any", "tomcat_firewall_admin_sources", ["0.0.0.0/0"], "everyone",
         shows="0.0.0.0/0"),
    role("firewall", "tomcat", "http-source-v4-any", "tomcat_firewall_http_sources", ["0.0.0.0/0"], "everyone",
         shows="0.0.0.0/0"),
    role("firewall", "tomcat", "cluster-source-any", "tomcat_firewall_cluster_sources", ["0.0.0.0/0"], "everyone",
         shows="0.0.0.0/0", **CLUSTER),
    role("firewall", "tomcat", "cluster-source-300", "tomcat_firewall_cluster_sources", ["300.1.1.1"],
         "IP addresses or networks", later="nft -c", shows="300.1.1.1", **CLUSTER),
    role("firewall", "tomcat", "host-bits", "tomcat_firewall_admin_sources", ["10.0.0.5/24"],
         "IP addresses or networks", later="nft -c", shows="10.0.0.5/24"),
    role("firewall", "tomcat", "proxy-999", "tomcat_remote_ip_internal_proxies", ["999.1.1.1"], "IP addresses",
         shows="999.1.1.1"),
    role("firewall", "tomcat", "table-name", "tomcat_firewall_nft_table", "inet filter", "tomcat_firewall_nft_table",
         shows="inet filter"),
    role("firewall", "tomcat", "allow-any-y", "tomcat_firewall_allow_any_source", "y", STRICT_BOOL,
         tomcat_firewall_admin_sources=["::/0"]),
    site("firewall", "admin-any", "tomcat_firewall_admin_sources", ["::/0"], "everyone", shows="::/0"),
    site("firewall", "admin-999", "tomcat_firewall_admin_sources", ["999.1.1.1"], "IP addresses or networks",
         later="nft -c", shows="999.1.1.1"),
    # --- Timeouts: to HAProxy 0 is no timeout and a bare number is milliseconds; to nginx 0 fails every request.
    role("timeouts", "haproxy_balancer", "server-zero", "haproxy_balancer_timeout_server", "0", "HAProxy time",
         shows='"0"'),
    role("timeouts", "haproxy_balancer", "server-bare", "haproxy_balancer_timeout_server", "30", "HAProxy time",
         shows='"30"'),
    role("timeouts", "haproxy_balancer", "client-bare-int", "haproxy_balancer_timeout_client", 30, "HAProxy time",
         shows="30"),
    role("timeouts", "haproxy_balancer", "connect-zero-s", "haproxy_balancer_timeout_connect", "0s", "HAProxy time",
         shows='"0s"'),
    role("timeouts", "haproxy_balancer", "check-bare", "haproxy_balancer_timeout_check", "2", "HAProxy time",
         shows='"2"'),
    role("timeouts", "haproxy_balancer", "http-request-zero", "haproxy_balancer_timeout_http_request", "0",
         "HAProxy time", shows='"0"'),
    role("timeouts", "haproxy_balancer", "interval-bare", "haproxy_balancer_check_interval", "500", "HAProxy time",
         shows='"500"'),
    role("timeouts", "haproxy_balancer", "interval-zero", "haproxy_balancer_check_interval", "0ms", "HAProxy time",
         later="haproxy -c", shows='"0ms"'),
    site("timeouts", "haproxy-server-bare", "haproxy_balancer_timeout_server", "30000", "HAProxy time", shows='"30000"',
         tomcat_ha_balancer="haproxy", tomcat_ha_strategy="sticky"),
    role("timeouts", "nginx_balancer", "read-zero", "nginx_balancer_proxy_read_timeout", "0", "nginx time",
         shows='"0"'),
    role("timeouts", "nginx_balancer", "connect-space", "nginx_balancer_proxy_connect_timeout", "5 s", "nginx time",
         later="nginx -t", shows='"5 s"'),
    role("timeouts", "nginx_balancer", "fail-timeout-word", "nginx_balancer_fail_timeout", "ten", "nginx time",
         later="nginx -t", shows='"ten"'),
    role("timeouts", "nginx_balancer", "read-hours-minutes-wrong-order", "nginx_balancer_proxy_read_timeout", "30s1m",
         "nginx time", later="nginx -t", shows='"30s1m"'),
    role("timeouts", "nginx_balancer", "connect-zero", "nginx_balancer_proxy_connect_timeout", "0", "nginx time",
         shows='"0"'),
    # --- verify.yml: every setting checked before the load or any fault starts, and no fault on hosts that are
    # not a lab unless confirmed.
    verify("verify", "load-timeout-zero", "tomcat_ha_load_timeout", 0, "tomcat_ha_load_timeout", later="session_load"),
    verify("verify", "flow-step-without-path", "tomcat_ha_flow", [{"name": "login", "method": "POST"}],
           "path must be a path on the site", shows="'login'"),
    verify("verify", "flow-regex", "tomcat_ha_flow",
           [{"name": "cart", "path": "/cart", "state": {"key": "n", "regex": "(", "expect": "persist"}}],
           "does not compile", shows="'('"),
    verify("verify", "flow-status", "tomcat_ha_flow", [{"name": "cart", "path": "/cart", "status": 999}],
           "must be an HTTP status from 100 to 599", shows="999"),
    verify("verify", "load-timeout-negative", "tomcat_ha_load_timeout", -5, "tomcat_ha_load_timeout",
           later="session_load"),
    verify("verify", "fast-ms-zero", "tomcat_ha_load_fast_ms", 0, "tomcat_ha_load_fast_ms", later="session_load"),
    verify("verify", "fast-ms-negative", "tomcat_ha_load_fast_ms", -1, "tomcat_ha_load_fast_ms", later="session_load"),
    verify("verify", "url-no-scheme", "tomcat_ha_probe_url", "lb.qyh.com/session.jsp", "http:// or https://",
           later="session_probe"),
    verify("verify", "url-ftp", "tomcat_ha_probe_url", "ftp://lb.qyh.com/session.jsp", "http:// or https://",
           later="session_probe"),
    verify("verify", "url-port", "tomcat_ha_probe_url", "http://lb.qyh.com:99999/session.jsp", "http:// or https://",
           later="session_probe"),
    verify("verify", "url-space", "tomcat_ha_probe_url", "http://lb.qyh.com/session .jsp", "http:// or https://",
           later="session_probe"),
    verify("verify", "probe-timeout-zero", "tomcat_ha_probe_timeout", 0, "tomcat_ha_probe_timeout",
           later="session_probe"),
    verify("verify", "probe-timeout-huge", "tomcat_ha_probe_timeout", 10000, "tomcat_ha_probe_timeout",
           later="session_probe"),
    verify("verify", "interval-negative", "tomcat_ha_interval", -1, "tomcat_ha_interval", later="session_probe"),
    verify("verify", "interval-huge", "tomcat_ha_interval", 5000, "tomcat_ha_interval", later="session_probe"),
    verify("verify", "samples-huge", "tomcat_ha_samples", 20000, "tomcat_ha_samples", later="session_probe"),
    verify("verify", "samples-newline", "tomcat_ha_samples", "10\n", "whole number", shows='"10\\n"'),
    # Refused by Ansible's own validation of the role's variable, which names it and the value.
    verify("verify", "users-float", "tomcat_ha_load_users", 20.5, "cannot be converted to an int", shows="20.5",
           named="verification_load_users"),
    verify("verify", "requests-too-many", "tomcat_ha_load_duration", 3000, "200000 requests", later="session_load",
           tomcat_ha_load_rate=100),
    verify("verify", "tail-negative", "tomcat_ha_load_tail", -1, "tomcat_ha_load_tail", later="session_load"),
    verify("verify", "ca-path-relative", "tomcat_ha_probe_ca_path", "ca.pem", "tomcat_ha_probe_ca_path",
           later="session_probe"),
    verify("verify", "ca-path-missing", "tomcat_ha_probe_ca_path", "/nonexistent/ca.pem", "tomcat_ha_probe_ca_path",
           later="session_probe"),
    verify("verify", "stop-file-relative", "tomcat_ha_load_stop_file", "load.stop", "tomcat_ha_load_stop_file"),
    verify("verify", "probe-host-group-index", "tomcat_ha_probe_host", "clients[3]", "tomcat_ha_probe_host"),
    verify("verify", "probe-host-empty", "tomcat_ha_probe_host", "", "tomcat_ha_probe_host", shows='""'),
    verify("verify", "probe-host-pattern", "tomcat_ha_probe_host", "client*", "tomcat_ha_probe_host"),
    verify("verify", "probe-host-exclude", "tomcat_ha_probe_host", "all:!all", "tomcat_ha_probe_host"),
    verify("verify", "not-a-lab", "tomcat_ha_lab", False, "tomcat_ha_fault_confirm", shows="backend1.qyh.com"),
    verify("verify", "not-a-lab-restart", "tomcat_ha_lab", False, "tomcat_ha_fault_confirm", shows="backend1.qyh.com",
           tomcat_ha_fault="restart"),
    verify("verify", "cookies-value", "tomcat_ha_probe_cookies", {"JSESSIONID": "a;b=c"}, "tomcat_ha_probe_cookies",
           later="session_probe", shows="a;b=c"),
    verify("verify", "rejoin-requests-float", "tomcat_ha_rejoin_requests", 5.5, "cannot be converted to an int",
           shows="5.5", named="verification_rejoin_requests"),
    # The setup site.yml deployed, from its record on the hosts: one record, and no -e that asks for another setup.
    deployed("record-differs", "tomcat_ha_balancer", "lb.qyh.com holds tomcat_ha_balancer=nginx",
             "do not hold one record of the setup site.yml deployed", {**EVERY_RECORD, "lb.qyh.com": NGINX_CLUSTER}),
    deployed("record-missing", "tomcat_ha_balancer", "backend2.qyh.com holds no record", "run site.yml again",
             {**EVERY_RECORD, "backend2.qyh.com": None}),
    deployed("record-e-strategy", "tomcat_ha_strategy", "sticky_cluster",
             "run site.yml with -e tomcat_ha_strategy=sticky_cluster first, or drop that -e", EVERY_RECORD,
             {"tomcat_ha_strategy": "sticky_cluster"}),
    # --- Values that site.yml replaced: an inventory value is honoured or refused, never silently replaced.
    site("overridden", "firewall-http-sources", "tomcat_firewall_http_sources", ["192.0.2.50"],
         "tomcat_firewall_admin_sources", shows="backend1.qyh.com", hosts=["backend1.qyh.com"]),
    site("overridden", "trusted-proxies", "tomcat_remote_ip_internal_proxies", ["192.0.2.50"],
         "the balancers' addresses", shows="backend1.qyh.com", hosts=["backend1.qyh.com"]),
    site("overridden", "cluster-sources", "tomcat_firewall_cluster_sources", ["192.0.2.0/24"],
         "the backends' own addresses", shows="backend2.qyh.com", hosts=["backend2.qyh.com"],
         tomcat_ha_strategy="cluster"),
    site("overridden", "cluster-enabled", "tomcat_cluster_enabled", True, "tomcat_ha_strategy",
         shows="backend1.qyh.com", hosts=["backend1.qyh.com"]),
    site("overridden", "http-address", "tomcat_http_address", "192.0.2.50", "balancer_member_address",
         shows="backend1.qyh.com", hosts=["backend1.qyh.com"]),
    site("overridden", "route-binder", "tomcat_cluster_jvm_route_binder", False, "tomcat_ha_strategy",
         shows="backend1.qyh.com", hosts=["backend1.qyh.com"]),
    site("overridden", "cookie-secure", "session_app_cookie_secure", True, "tomcat_ha_tls", shows="backend2.qyh.com",
         hosts=["backend2.qyh.com"]),
    site("overridden", "balancer-tls", "balancer_tls_enabled", True, "tomcat_ha_tls", shows="lb.qyh.com",
         hosts=["lb.qyh.com"]),
    site("overridden", "balancer-members", "balancer_members", [{"address": "192.0.2.9", "port": 80}],
         "balancer_member_address", shows="lb.qyh.com", hosts=["lb.qyh.com"]),
    site("overridden", "balancer-type", "balancer_type", "httpd", "tomcat_ha_balancer", shows="lb.qyh.com",
         hosts=["lb.qyh.com"]),
    site("overridden", "balancer-method", "balancer_method", "ip_hash", "tomcat_ha_strategy", shows="lb.qyh.com",
         hosts=["lb.qyh.com"]),
    site("overridden", "balancer-cookie-secure", "balancer_cookie_secure", True, "tomcat_ha_tls", shows="lb.qyh.com",
         hosts=["lb.qyh.com"]),
    site("overridden", "balancer-hsts", "balancer_tls_hsts_max_age", 31536000, "tomcat_ha_tls_hsts_max_age",
         shows="lb.qyh.com", hosts=["lb.qyh.com"]),
    site("overridden", "balancer-header", "balancer_served_by_header", "X-Backend", "tomcat_ha_served_by_header",
         shows="lb.qyh.com", hosts=["lb.qyh.com"]),
    site("overridden", "balancer-redirect", "balancer_tls_redirect", False, "tomcat_ha_tls_redirect",
         shows="lb.qyh.com", hosts=["lb.qyh.com"]),
    site("overridden", "all-hosts", "tomcat_firewall_cluster_sources", ["0.0.0.0/0"], "tomcat_firewall_cluster_sources",
         shows="backend1.qyh.com", tomcat_ha_strategy="cluster"),
    # --- Tracebacks and wrong sentences: a Python exception's words, or a sentence naming another variable.
    site("sentences", "http-port-superscript", "tomcat_http_port", "²", "must be an integer", shows='"²"',
         hosts=["backend1.qyh.com"]),
    site("sentences", "receiver-port-superscript", "tomcat_cluster_receiver_port", "²", "must be an integer", shows='"²"',
         hosts=["backend2.qyh.com"], tomcat_ha_strategy="cluster"),
    site("sentences", "weight-superscript", "balancer_member_weight", "³", "must be an integer", shows='"³"',
         hosts=["backend1.qyh.com"]),
    filt("sentences", "balancer_members", "port-superscript", "tomcat_http_port", "²", "must be an integer", shows='"²"'),
    filt("sentences", "balancer_members", "port-arabic-digit", "tomcat_http_port", "٨٠", "must be an integer",
         later="nginx -t", shows='"٨٠"'),
    filt("sentences", "cluster_members", "receiver-port-superscript", "tomcat_cluster_receiver_port", "²",
         "must be an integer", shows='"²"'),
    filt("sentences", "balancer_members", "port-space", "tomcat_http_port", " 8080 ", "must be an integer", shows='" 8080 "'),
    site("sentences", "ha-http-port-range", "tomcat_ha_http_port", 70000, "1-65535"),
    site("sentences", "ha-cluster-port-range", "tomcat_ha_cluster_port", 0, "1-65535", shows="got 0",
         tomcat_ha_strategy="cluster"),
    site("sentences", "ha-http-port-word", "tomcat_ha_http_port", "eighty", "whole number"),
    site("sentences", "ha-tls-word", "tomcat_ha_tls", "maybe", STRICT_BOOL),
    site("sentences", "route-prefix-space", "tomcat_ha_route_prefix", "tom cat", "tomcat_ha_route_prefix"),
    site("sentences", "header-space", "tomcat_ha_served_by_header", "X Served", "header name"),
    site("sentences", "backends-group", "tomcat_ha_backends_group", "tomcat", "tomcat_ha_backends_group"),
    site("sentences", "strategy-empty", "tomcat_ha_strategy", "", "tomcat_ha_strategy must be one of", shows="''"),
    role("sentences", "httpd_balancer", "member-without-route", "httpd_balancer_members",
         [{"address": "10.0.0.1", "port": 8080}], "needs a route", shows="10.0.0.1"),
    role("sentences", "nginx_balancer", "served-by-newline", "nginx_balancer_served_by_header",
         "X-By\r\nSet-Cookie: a=b", "header name", shows="Set-Cookie: a=b"),
    role("sentences", "tomcat", "firewall-unit-empty", "tomcat_firewall_unit", "", "a unit name", shows='""'),
    role("sentences", "session_app", "context-slash", "session_app_context", "a/b", "session_app_context"),
    role("sentences", "lab_hosts", "address-var-empty", "lab_hosts_address_var", "", "lab_hosts_address_var",
         shows='""'),
    # --- Green runs that serve nothing: the balancers cannot reach Tomcat, or Tomcat serves its own files.
    role("green", "tomcat", "http-address-localhost", "tomcat_http_address", "localhost", "loopback"),
    role("green", "tomcat", "http-address-loopback", "tomcat_http_address", "127.0.0.1", "loopback"),
    role("green", "tomcat", "http-address-v6-loopback", "tomcat_http_address", "[::1]", "loopback"),
    role("green", "tomcat", "http-address-name", "tomcat_http_address", "backend1.qyh.com", "an IP address"),
    role("green", "tomcat", "app-base-etc", "tomcat_app_base", "/etc", "the system's", shows="/etc"),
    role("green", "tomcat", "app-base-conf", "tomcat_app_base", "/etc/tomcat10", "the system's"),
    role("green", "tomcat", "app-base-root", "tomcat_app_base", "/", "the system's", shows='"/"'),
    role("green", "tomcat", "app-base-catalina", "tomcat_app_base", "/var/lib/tomcat10", "Tomcat's own"),
    role("green", "tomcat", "app-base-dots", "tomcat_app_base", "/data/../etc", "an absolute path"),
    role("green", "session_app", "app-base-etc", "session_app_base", "/etc", "the system's", shows="/etc"),
    role("green", "tomcat", "version-newline-11", "tomcat_version", "11\n", "whole number", later="apt",
         shows='"11\\n"'),
    site("green", "member-address-localhost", "balancer_member_address", "localhost", "loopback",
         hosts=["backend1.qyh.com"]),
    site("green", "member-address-loopback", "balancer_member_address", "127.0.0.1", "loopback",
         hosts=["backend2.qyh.com"]),
    site("green", "app-base-etc", "tomcat_app_base", "/etc", "the system's", shows="/etc"),
    # --- The roles' own checks, one value each (a role's preflight alone, as a user's playbook runs it).
    role("injection", "nginx_balancer", "member-bare-ipv6", "nginx_balancer_members", [{"address": "fd00::1", "port": 8080}],
         "an IPv6 address in brackets, nothing else", shows="fd00::1"),
    role("injection", "httpd_balancer", "member-bare-ipv6", "httpd_balancer_members",
         [{"address": "fd00::1", "port": 8080, "route": "t1"}], "an IPv6 address in brackets, nothing else", shows="fd00::1"),
    role("injection", "haproxy_balancer", "member-bare-ipv6", "haproxy_balancer_members",
         [{"address": "fd00::1", "port": 8080, "route": "t1"}], "an IPv6 address in brackets, nothing else", shows="fd00::1"),
    role("injection", "nginx_balancer", "member-include", "nginx_balancer_members",
         [{"address": "10.0.0.1; include /tmp/x", "port": 8080}], "an IPv6 address in brackets, nothing else",
         shows="include /tmp/x"),
    role("injection", "httpd_balancer", "member-include", "httpd_balancer_members",
         [{"address": "10.0.0.1; include /tmp/x", "port": 8080, "route": "t1"}], "an IPv6 address in brackets, nothing else",
         shows="include /tmp/x"),
    role("injection", "haproxy_balancer", "member-include", "haproxy_balancer_members",
         [{"address": "10.0.0.1; include /tmp/x", "port": 8080, "route": "t1"}], "an IPv6 address in brackets, nothing else",
         shows="include /tmp/x"),
    role("types", "nginx_balancer", "member-weight-zero", "nginx_balancer_members",
         [{"address": "10.0.0.1", "port": 8080, "weight": 0}], "a weight from 1", later="nginx -t", shows='"weight": 0'),
    role("types", "nginx_balancer", "next-upstream-tries-negative", "nginx_balancer_proxy_next_upstream_tries", -1,
         "must be a whole number, 0 for every server"),
    role("types", "nginx_balancer", "next-upstream-tries-word", "nginx_balancer_proxy_next_upstream_tries", "two",
         "is of type str and we were unable to convert to int"),
    role("timeouts", "nginx_balancer", "next-upstream-timeout-words", "nginx_balancer_proxy_next_upstream_timeout",
         "10 seconds", "an nginx time without spaces"),
    role("timeouts", "nginx_balancer", "next-upstream-timeout-space", "nginx_balancer_proxy_next_upstream_timeout",
         "1m 30s", "an nginx time without spaces"),
    role("injection", "nginx_balancer", "next-upstream-timeout-include", "nginx_balancer_proxy_next_upstream_timeout",
         "10s; include /tmp/x", "an nginx time without spaces"),
    role("types", "httpd_balancer", "fail-on-status-99", "httpd_balancer_fail_on_status", [99],
         "a list of HTTP statuses from 100 to 599"),
    role("types", "httpd_balancer", "fail-on-status-600", "httpd_balancer_fail_on_status", [600],
         "a list of HTTP statuses from 100 to 599"),
    role("types", "httpd_balancer", "fail-on-status-text", "httpd_balancer_fail_on_status", "503", "must be a list"),
    role("types", "nginx_balancer", "route-missing", "nginx_balancer_members",
         [{"address": "10.0.0.1", "port": 8080, "route": "tomcat1"}, {"address": "10.0.0.2", "port": 8080}],
         "to have its jvmRoute as its route", shows='"(none)"', nginx_balancer_method="route"),
    role("types", "nginx_balancer", "route-twice", "nginx_balancer_members",
         [{"address": "10.0.0.1", "port": 8080, "route": "tomcat1"}, {"address": "10.0.0.2", "port": 8080, "route": "tomcat1"}],
         "a different word of letters, digits, '_' or '-' per member", shows='["tomcat1", "tomcat1"]',
         nginx_balancer_method="route"),
    role("injection", "nginx_balancer", "route-dot", "nginx_balancer_members",
         [{"address": "10.0.0.1", "port": 8080, "route": "tomcat.2"}], "to have its jvmRoute as its route",
         shows="tomcat.2", nginx_balancer_method="route"),
    role("injection", "nginx_balancer", "route-include", "nginx_balancer_members",
         [{"address": "10.0.0.1", "port": 8080, "route": "t2; include /tmp/x"}],
         "to have its jvmRoute as its route", shows="include /tmp/x", nginx_balancer_method="route"),
    role("injection", "session_app", "context-dots", "session_app_context", "..", "a single directory name such as ROOT",
         shows='".."'),
    role("injection", "session_app", "context-dot", "session_app_context", ".", "a single directory name such as ROOT",
         shows='"."'),
    role("injection", "session_app", "base-dots", "session_app_base", "/data/webapps/../../etc",
         "without '.' or '..'"),
    role("injection", "session_app", "base-relative", "session_app_base", "data/webapps", "must be an absolute path"),
    role("injection", "tomcat", "send-options-typo", "tomcat_cluster_channel_send_options", "use_ack,snyc",
         "falls back to asynchronous replication", **CLUSTER),
    role("types", "tomcat", "mcast-link-local", "tomcat_cluster_mcast_address", "224.0.0.251",
         "224.0.0.0/24 is reserved for link-local protocols", **CLUSTER),
    role("types", "tomcat", "mcast-broadcast", "tomcat_cluster_mcast_address", "255.255.255.255",
         "is not a usable multicast group", **CLUSTER),
    role("types", "tomcat", "drop-time-short", "tomcat_cluster_mcast_drop_time", 500,
         "or members are dropped between two heartbeats", **CLUSTER),
    role("types", "tomcat", "heartbeat-zero", "tomcat_cluster_mcast_frequency", 0,
         "or members are dropped between two heartbeats", **CLUSTER),
    role("secrets", "tomcat", "key-empty", "tomcat_cluster_encryption_key", "",
         "must be 32, 48 or 64 hex digits, an AES key of 128, 192 or 256 bits", shows="0 characters", **NO_KEY),
    role("secrets", "tomcat", "key-31", "tomcat_cluster_encryption_key", KEY[:31], "must be 32, 48 or 64 hex digits",
         shows="31 characters", **NO_KEY),
    role("secrets", "tomcat", "key-not-hex", "tomcat_cluster_encryption_key", KEY[:63] + "g", "not all hex digits",
         shows="64 characters", **NO_KEY),
    role("secrets", "tomcat", "key-trailing-newline", "tomcat_cluster_encryption_key", KEY + "\n",
         "must be 32, 48 or 64 hex digits", shows="65 characters", **NO_KEY),
    role("secrets", "tomcat", "algorithm-des", "tomcat_cluster_encryption_algorithm", "DES/ECB/NoPadding",
         "must be one of: AES/GCM/NoPadding, AES/CBC/PKCS5Padding"),
    role("types", "tomcat", "receiver-on-http-port", "tomcat_http_port", 4000, "which must differ from tomcat_http_port",
         shows="(4000)", **CLUSTER),
    role("firewall", "tomcat", "receiver-auto-bind", "tomcat_cluster_receiver_auto_bind", 100, "keep that one port",
         **CLUSTER),
    role("types", "tomcat", "sender-timeout-zero", "tomcat_cluster_sender_timeout", 0,
         "must be whole numbers of milliseconds above 0", shows="got 0, 1000, 5000", **CLUSTER),
    role("types", "tomcat", "read-timeout-unit", "tomcat_cluster_failure_detector_read_timeout", "1s",
         "is of type str and we were unable to convert to int", **CLUSTER),
    role("types", "tomcat", "retries-negative", "tomcat_cluster_sender_max_retry_attempts", -1, "0 or more",
         shows="got -1", **CLUSTER),
    role("types", "tomcat", "dispatch-threads-negative", "tomcat_cluster_dispatch_threads", -1,
         "must be 0 (Tomcat's pool) or a number of threads", shows="got -1", **CLUSTER),
    role("firewall", "tomcat", "no-http-source", "tomcat_firewall_http_sources", [], "at least one IP address or network",
         shows="got [] and []"),
    role("injection", "tomcat", "source-flush", "tomcat_firewall_http_sources", ["10.0.0.1; flush ruleset"],
         "IP addresses or networks", shows="flush ruleset"),
    role("firewall", "tomcat", "admin-source-name", "tomcat_firewall_admin_sources", ["lb.example.com"],
         "IP addresses or networks", shows="lb.example.com"),
    role("types", "tomcat", "source-as-text", "tomcat_firewall_http_sources", "10.0.0.1", "must be a list"),
    role("injection", "tomcat", "http-address-port", "tomcat_http_address", "10.0.0.1 8081", "must be an IP address"),
    role("firewall", "tomcat", "proxy-network", "tomcat_remote_ip_internal_proxies", ["10.0.0.0/8"],
         "without prefix lengths", shows="10.0.0.0/8"),
    role("types", "session_app", "same-site-lower", "session_app_cookie_same_site", "lax",
         "must be one of: Strict, Lax, None, got: lax"),
    role("green", "session_app", "same-site-none", "session_app_cookie_same_site", "None",
         "needs session_app_cookie_secure true", shows="None"),
    role("green", "httpd_balancer", "routeid-same-site-none", "httpd_balancer_routeid_cookie_same_site", "None",
         "None only with httpd_balancer_routeid_cookie_secure", shows="got None"),
    role("types", "httpd_balancer", "proxy-via-bool", "httpd_balancer_proxy_via", True,
         "must be one of: On, Off, Full, Block, got: True", shows="True"),
    role("injection", "httpd_balancer", "routeid-newline", "httpd_balancer_routeid_cookie", "ROUTEID\n",
         "the balancer and cookie names plain words", shows="plain words"),
    role("injection", "httpd_balancer", "health-path-expression", "httpd_balancer_health_check_path",
         "/health.jsp hcexpr=x", "an absolute path without spaces or quotes"),
    role("timeouts", "httpd_balancer", "health-interval-50ms", "httpd_balancer_health_check_interval", "50ms",
         "milliseconds from 100ms"),
    role("timeouts", "httpd_balancer", "health-interval-fraction", "httpd_balancer_health_check_interval", "1.5",
         "milliseconds from 100ms"),
    role("types", "httpd_balancer", "health-fails-zero", "httpd_balancer_health_check_fails", 0, "whole numbers from 1",
         shows="(got 2 and 0)"),
    role("timeouts", "haproxy_balancer", "interval-word", "haproxy_balancer_check_interval", "fast", "HAProxy time"),
    role("timeouts", "haproxy_balancer", "server-space", "haproxy_balancer_timeout_server", "2 s", "HAProxy time",
         shows='"2 s"'),
    role("types", "haproxy_balancer", "retry-on-unknown", "haproxy_balancer_retry_on", ["conn-failure", "all-retryable-errors"],
         "haproxy_balancer_retry_on a list of conn-failure", shows="all-retryable-errors"),
    role("types", "haproxy_balancer", "retry-on-text", "haproxy_balancer_retry_on", "conn-failure", "must be a list"),
    role("types", "haproxy_balancer", "retry-methods-lower", "haproxy_balancer_retry_methods", ["get"],
         "a list of HTTP methods in capitals", shows='["get"]'),
    role("types", "haproxy_balancer", "fall-zero", "haproxy_balancer_check_fall", 0,
         "haproxy_balancer_check_fall and haproxy_balancer_check_rise whole numbers from 1", shows="got 0"),
    role("injection", "haproxy_balancer", "check-path-space", "haproxy_balancer_check_path", "/health.jsp x",
         "an absolute path without spaces or quotes"),
    role("types", "haproxy_balancer", "stats-on-listen-port", "haproxy_balancer_stats_port", 80,
         "haproxy_balancer_stats_port another port or 0", shows="got 80 and 80"),
    role("types", "haproxy_balancer", "sticky-unknown", "haproxy_balancer_sticky", "jsessionid",
         "must be one of: cookie, none, got: jsessionid"),
    role("green", "haproxy_balancer", "same-site-none", "haproxy_balancer_cookie_same_site", "None",
         "None only with haproxy_balancer_cookie_secure", shows="got None"),
    role("types", "haproxy_balancer", "weight-300", "haproxy_balancer_members",
         [{"address": "10.0.0.1", "port": 8080, "weight": 300, "route": "t1"}], "a weight in 0-256", shows="300"),
    role("types", "haproxy_balancer", "routes-twice", "haproxy_balancer_members",
         [{"address": "10.0.0.1", "port": 8080, "route": "t1"}, {"address": "10.0.0.2", "port": 8080, "route": "t1"}],
         "the routes of haproxy_balancer_members must be different words", shows='["t1", "t1"]'),
    role("types", "jdk", "version-word", "jdk_version", "seventeen", "is of type str and we were unable to convert to int"),
    role("types", "jdk", "version-8", "jdk_version", 8, "must be a whole major version, 11 or newer", shows="got 8"),
    role("types", "tomcat", "version-word", "tomcat_version", "ten", "is of type str and we were unable to convert to int"),
    role("types", "tomcat", "version-9", "tomcat_version", 9, "must be a major version, 10 or newer", shows="got 9"),
    # state absent: the state itself, and what absent still reads (the version names the package, the paths what it removes).
    role("types", "tomcat", "state-removed", "tomcat_state", "removed", "must be one of: present, absent, got: removed"),
    role("types", "jdk", "state-purged", "jdk_state", "purged", "must be one of: present, absent, got: purged"),
    role("types", "session_app", "state-capital", "session_app_state", "Absent", "must be one of: present, absent, got: Absent"),
    role("types", "tomcat", "absent-version-9", "tomcat_version", 9, "must be a major version, 10 or newer", shows="got 9",
         tomcat_state="absent"),
    role("types", "jdk", "absent-version-8", "jdk_version", 8, "must be a whole major version, 11 or newer", shows="got 8",
         jdk_state="absent"),
    role("injection", "tomcat", "absent-firewall-file-relative", "tomcat_firewall_file", "firewall.nft",
         "must be an absolute path", tomcat_state="absent"),
    role("injection", "tomcat", "firewall-file-root", "tomcat_firewall_file", "/", "a file of its own ending in .nft"),
    role("injection", "tomcat", "absent-firewall-file-etc", "tomcat_firewall_file", "/etc/",
         "a file of its own ending in .nft", tomcat_state="absent"),
    role("green", "session_app", "absent-base-etc", "session_app_base", "/etc", "is one of the system's directories",
         session_app_state="absent"),
    # The backends' side of the session store: where it is, who connects, and settings that break its promise.
    role("green", "tomcat", "store-and-cluster", "tomcat_session_store_enabled", True,
         "a context has one session manager", shows="both true", **STORE, **CLUSTER),
    role("green", "tomcat", "store-without-host", "tomcat_session_store_host", "", "needs a database host",
         **{**STORE, "tomcat_session_store_host": ""}),
    role("secrets", "tomcat", "store-password-short", "tomcat_session_store_password", "short", "put it in Ansible Vault",
         shows="got 5 characters", **{**STORE, "tomcat_session_store_password": "short"}),
    role("injection", "tomcat", "store-database-quote", "tomcat_session_store_database", 'sessions"',
         "names PostgreSQL takes unquoted", **{**STORE, "tomcat_session_store_database": 'sessions"'}),
    role("green", "tomcat", "store-backup-with-valve", "tomcat_session_store_max_idle_backup", 0, "must be -1",
         **{**STORE, "tomcat_session_store_max_idle_backup": 0}),
    role("green", "tomcat", "store-no-backup-no-valve", "tomcat_session_store_max_idle_backup", -1,
         "a restart of every backend loses the sessions", shows="is -1",
         **{**STORE, "tomcat_session_store_valve": False, "tomcat_session_store_max_idle_backup": -1}),
    role("booleans", "tomcat", "store-valve-y", "tomcat_session_store_valve", "y", STRICT_BOOL,
         **{**STORE, "tomcat_session_store_valve": "y"}),
    site("green", "store-without-db-host", "tomcat_ha_strategy", "sticky_store",
         "group (tomcat_ha_store_group) must hold its one host", shows="got 0"),
    # The session store's database host: names PostgreSQL would refuse or that are its own, the password, the clients.
    role("booleans", "session_store", "tls-y", "session_store_tls", "y", STRICT_BOOL),
    role("booleans", "session_store", "firewall-t", "session_store_firewall_enabled", "t", STRICT_BOOL),
    role("booleans", "session_store", "drop-yes-space", "session_store_absent_drop_database", "yes ", STRICT_BOOL,
         session_store_state="absent"),
    role("secrets", "session_store", "password-short", "session_store_password", "short",
         "put a long random one in Ansible Vault", shows="only 5 characters"),
    role("secrets", "session_store", "password-unset", "session_store_password", "",
         "put a long random one in Ansible Vault", shows="is unset"),
    role("secrets", "session_store", "password-two-lines", "session_store_password", "a-long-password-\nsecond-line",
         "make it one line", shows="holds a line break"),
    role("injection", "session_store", "database-space", "session_store_database", "tomcat sessions",
         "must be a name of a-z, 0-9 and '_'"),
    role("injection", "session_store", "database-template1", "session_store_database", "template1",
         "is one of PostgreSQL's own databases"),
    role("injection", "session_store", "user-postgres", "session_store_user", "postgres", "is the superuser"),
    role("injection", "session_store", "user-pg-role", "session_store_user", "pg_monitor", "reserved pg_ roles"),
    role("injection", "session_store", "table-upper", "session_store_table", "Sessions", "must be a name of a-z"),
    role("injection", "session_store", "listen-quote", "session_store_listen_addresses", ["*', ssl = 'off"],
         "must list '*' (every address) or IP addresses or host names"),
    role("injection", "session_store", "tls-key-quote", "session_store_tls_certificate_key", "/etc/ssl/k'ey.pem",
         "must be absolute paths on the database host without spaces or quotes", session_store_tls=True,
         session_store_tls_certificate="/etc/ssl/db.crt"),
    role("types", "session_store", "client-bad-octet", "session_store_clients", ["10.0.0.11", "10.0.0.300"],
         "must list IP addresses or networks", shows='["10.0.0.300"]'),
    role("types", "session_store", "clients-string", "session_store_clients", "10.0.0.11 10.0.0.12",
         "must be a list"),
    role("types", "session_store", "port-70000", "session_store_port", 70000, "must be a port in 1-65535"),
    role("firewall", "session_store", "client-host-bits", "session_store_clients", ["10.0.0.11/24"],
         "no host bits", shows='["10.0.0.11/24"]'),
    role("firewall", "session_store", "clients-empty", "session_store_clients", [], "so no Tomcat backend could connect",
         shows="is empty"),
    role("green", "session_store", "listen-loopback", "session_store_listen_addresses", ["127.0.0.1"],
         "are loopback only"),
    role("green", "session_store", "tls-without-files", "session_store_tls", True,
         "must be absolute paths on the database host", shows='got "" and ""'),
    # The same TLS settings, refused the same way by both balancers that terminate TLS.
    *(case for balancer in ("nginx_balancer", "httpd_balancer") for case in _tls_cases(balancer)),
]
# fmt: on


def accepted(entry, slug, records=None, extra=None, **settings):
    """Values the checks must let through (what an INI inventory or -e writes, IPv6, the lab's own)."""
    hosts = settings.pop("hosts", {})
    return Case("accepted", entry, slug, "", "", "", settings, hosts, records=records or {}, extra=extra or {})


# fmt: off
ACCEPTED = [
    accepted("role:tomcat", "booleans-as-written", tomcat_firewall_enabled="yes", tomcat_service_enabled="True",
             tomcat_host_auto_deploy=1, tomcat_host_unpack_wars="on", tomcat_error_report_show_report="false"),
    accepted("role:tomcat", "numbers-as-digits", tomcat_http_port="8081", tomcat_shutdown_port="-1",
             tomcat_start_timeout="60"),
    accepted("role:tomcat", "ipv6-connector", tomcat_http_address="[fd00::1]",
             tomcat_firewall_http_sources=["10.0.0.0/8", "fd00::/64"]),
    accepted("role:tomcat", "ipv6-connector-bare", tomcat_http_address="fd00::1"),
    accepted("role:tomcat", "loopback-behind-a-local-balancer", tomcat_http_address="127.0.0.1",
             tomcat_firewall_http_sources=["127.0.0.1"]),
    accepted("role:tomcat", "everyone-on-purpose", tomcat_firewall_admin_sources=["::/0", "0.0.0.0/0"],
             tomcat_firewall_allow_any_source=True),
    accepted("role:tomcat", "own-app-base", tomcat_app_base="/srv/tomcat-apps"),
    accepted("role:tomcat", "debian-webapps", tomcat_app_base="/var/lib/tomcat10/webapps"),
    accepted("role:tomcat", "cluster-192-bit-key", **{**CLUSTER, "tomcat_cluster_encryption_key": KEY[:48].upper()}),
    accepted("role:tomcat", "cluster-static", tomcat_cluster_membership="static", **CLUSTER),
    accepted("role:tomcat", "cluster-clear-text", tomcat_cluster_encryption_enabled="false", **NO_KEY),
    accepted("role:nginx_balancer", "names-and-pattern", nginx_balancer_server_name="lb.example.com *.example.com",
             nginx_balancer_location_pattern="\\.(jsp|do)$"),
    accepted("role:nginx_balancer", "pcre-named-group", nginx_balancer_location_pattern="(?<page>[a-z]+)\\.jsp$"),
    accepted("role:nginx_balancer", "times", nginx_balancer_proxy_connect_timeout="500ms",
             nginx_balancer_proxy_read_timeout="1m30s", nginx_balancer_fail_timeout="0",
             nginx_balancer_proxy_next_upstream="error timeout http_502 non_idempotent"),
    accepted("role:httpd_balancer", "statuses-as-text", httpd_balancer_fail_on_status=["503"],
             httpd_balancer_server_name="lb.example.com", httpd_balancer_nofailover="no"),
    accepted("role:haproxy_balancer", "times-with-units", haproxy_balancer_timeout_server="1500ms",
             haproxy_balancer_timeout_client="1m", haproxy_balancer_check_interval="500ms"),
    accepted("role:session_app", "secure-cookie", session_app_cookie_secure="true",
             session_app_cookie_same_site="None"),
    accepted("role:jdk", "default-version", jdk_headless="no"),
    accepted("role:jdk", "absent", jdk_state="absent", jdk_headless="no"),
    accepted("role:session_app", "absent", session_app_state="absent"),
    # absent reads neither the firewall's sources nor the cluster's key: an uninstall needs neither.
    accepted("role:tomcat", "absent-without-sources-or-key", tomcat_state="absent", tomcat_firewall_http_sources=[],
             **NO_KEY),
    accepted("role:lab_hosts", "ipv6-address", lab_hosts_address="fd00::5", lab_hosts_short_names="off"),
    accepted("role:balancer", "tls-off-as-text", balancer_tls_enabled="false", balancer_tls_hsts_max_age="0"),
    accepted("role:nginx_balancer", "tls", nginx_balancer_tls_hsts_max_age=31536000, nginx_balancer_tls_listen_port=8443,
             **TLS_FILES["nginx_balancer"]),
    accepted("role:nginx_balancer", "names-without-redirect", nginx_balancer_server_name="lb lb2",
             nginx_balancer_tls_redirect=False, **{k: v for k, v in TLS_FILES["nginx_balancer"].items() if "name" not in k}),
    accepted("role:httpd_balancer", "tls", httpd_balancer_tls_hsts_max_age="31536000", **TLS_FILES["httpd_balancer"]),
    accepted("role:httpd_balancer", "health-checks-off", httpd_balancer_health_check_path="",
             httpd_balancer_health_check_interval="100ms"),
    accepted("role:nginx_balancer", "members", nginx_balancer_members=[{"address": "backend1.qyh.com", "port": 8080},
                                                                       {"address": "[fd00::1]", "port": "8080"}]),
    accepted("role:nginx_balancer", "route-method", nginx_balancer_method="route",
             nginx_balancer_members=[{"address": "10.0.0.1", "port": 8080, "route": "tomcat-1"},
                                     {"address": "10.0.0.2", "port": 8080, "route": "node_2"}]),
    accepted("role:haproxy_balancer", "ipv6-member", haproxy_balancer_retry_on=["conn-failure"], haproxy_balancer_retry_methods=[],
             haproxy_balancer_members=[{"address": "[fd00::2]", "port": 8080, "route": "tomcat2"}]),
    accepted("role:session_app", "context", session_app_context="lbtest", session_app_cookie_same_site="Strict"),
    accepted("role:tomcat", "send-options-by-name", tomcat_cluster_channel_send_options="use_ack,sync", **CLUSTER),
    accepted("role:tomcat", "receiver-auto-bind-without-firewall", tomcat_cluster_receiver_auto_bind=100,
             tomcat_firewall_enabled=False, **CLUSTER),
    accepted("role:tomcat", "read-test", tomcat_cluster_sender_timeout=1000, tomcat_cluster_failure_detector_read_test=True,
             **CLUSTER),
    accepted("role:tomcat", "admin-sources-only", tomcat_firewall_http_sources=[],
             tomcat_firewall_admin_sources=["192.0.2.0/24"]),
    accepted("role:tomcat", "proxies", tomcat_remote_ip_internal_proxies=["10.0.0.9", "fd00::9"]),
    accepted("role:session_store", "as-written", session_store_tls="no", session_store_firewall_enabled="yes",
             session_store_port="5433", session_store_clients=["10.0.0.11", "10.0.1.0/24", "fd00::11", "fd00:1::/64"],
             session_store_listen_addresses=["10.0.0.5", "db.example.com"]),
    accepted("role:session_store", "tls", session_store_tls=True, session_store_tls_certificate="/etc/ssl/db.crt",
             session_store_tls_certificate_key="/etc/ssl/private/db.key"),
    accepted("role:session_store", "absent-without-password", session_store_state="absent", session_store_password="",
             session_store_clients=[]),
    accepted("site", "defaults"),
    accepted("site", "cluster-as-text", tomcat_ha_strategy="cluster", tomcat_ha_tls="false",
             tomcat_ha_http_port="8080"),
    accepted("site", "honoured-route-and-port", hosts={"backend1.qyh.com": {"tomcat_jvm_route": "one",
                                                                            "tomcat_http_port": 8081}}),
    accepted("verify", "defaults"),
    accepted("verify", "confirmed", tomcat_ha_lab=False, tomcat_ha_fault_confirm="yes", tomcat_ha_fault="freeze"),
    # The record outranks the inventory (which says nginx in front of a cluster); an -e that asks for it passes.
    accepted("verify", "record-outranks-inventory", EVERY_RECORD, tomcat_ha_strategy="cluster"),
    accepted("verify", "record-and-equal-e", EVERY_RECORD, {"tomcat_ha_balancer": "httpd", "tomcat_ha_strategy": "sticky"},
             tomcat_ha_strategy="cluster"),
]
# fmt: on

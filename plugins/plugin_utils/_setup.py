# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The whole setup of a run of site.yml or verify.yml, computed once from the inventory (the topology action).

PRIVATE: only for this collection's own plugins (the leading underscore); the API may change without notice.
The one place that turns the inventory and the choice of balancer and strategy into what every role gets:
routes, balancer and cluster members, addresses, and the strategy's meaning for each role.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ansible_collections.sessionlab.tomcat_ha.plugins.filter.balancer_members import balancer_members
from ansible_collections.sessionlab.tomcat_ha.plugins.filter.cluster_members import cluster_members
from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._apps import AppError, plan, session_classes
from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._settings import strict_bool, type_problem
from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._topology import build_routes, host_vars

# The balancer roles (<name>_balancer) and the strategy key each takes its setting from; a strategy is offered on
# a balancer where that key is not null.
BALANCER_SETTINGS = {
    "nginx": "nginx_balancer_method",
    "httpd": "httpd_balancer_sticky",
    "haproxy": "haproxy_balancer_sticky",
}
# The balancer roles that terminate TLS.
TLS_BALANCERS = ("nginx", "httpd")
# The settings that spread one session's requests over every backend: no stickiness.
ROUND_ROBIN = ("round_robin", "none")
STRATEGY_KEYS = frozenset(("description", "cluster", "store", *BALANCER_SETTINGS.values()))
# The balancers that check each backend with a page of their own, and the setting that names it: the test page's
# health.jsp unless the operator names another.
HEALTH_CHECK_PATHS = {"haproxy": "haproxy_balancer_check_path", "httpd": "httpd_balancer_health_check_path"}
_NAME = "topology"
# What site.yml computes and hands the roles (playbooks/site.yml), and where it takes each from. A role's own
# variables outrank the inventory, so a value the inventory (or -e) sets for one of these would be silently replaced:
# the run is refused instead, with what to set. tomcat_jvm_route and tomcat_http_port are not here: the setup reads
# them from each backend, so the inventory's are honoured.
COMPUTED = {
    # variable: (where site.yml takes it from, what to set instead)
    "session_app_cookie_secure": ("from tomcat_ha_tls and tomcat_ha_tls_redirect", "set those"),
    "tomcat_http_address": ("from balancer_member_address, the address the balancers use", "set that on the backend"),
    "tomcat_firewall_http_sources": (
        "from the balancers' addresses",
        "list other sources in tomcat_firewall_admin_sources",
    ),
    "tomcat_firewall_cluster_sources": ("from the backends' own addresses (their facts)", "leave them to site.yml"),
    "tomcat_remote_ip_internal_proxies": (
        "from the balancers' addresses, the proxies Tomcat is behind",
        "leave them to site.yml",
    ),
    "tomcat_cluster_enabled": ("from tomcat_ha_strategy", "choose a strategy with a cluster, or one without"),
    "tomcat_cluster_members": (
        "from the backends",
        "set tomcat_cluster_address and tomcat_cluster_receiver_port on each backend",
    ),
    "tomcat_cluster_jvm_route_binder": ("from tomcat_ha_strategy (on behind a sticky balancer)", "choose the strategy"),
    "balancer_type": ("from tomcat_ha_balancer", "set that"),
    "balancer_method": ("from tomcat_ha_strategy", "choose the strategy"),
    "balancer_members": (
        "from the backends",
        "set balancer_member_address, tomcat_http_port, balancer_member_weight, _down or _backup on each backend",
    ),
    "balancer_tls_enabled": ("from tomcat_ha_tls", "set that"),
    "balancer_tls_certificate": ("from tomcat_ha_tls_certificate", "set that"),
    "balancer_tls_certificate_key": ("from tomcat_ha_tls_certificate_key", "set that"),
    "balancer_tls_redirect": ("from tomcat_ha_tls_redirect", "set that"),
    "balancer_tls_hsts_max_age": ("from tomcat_ha_tls_hsts_max_age", "set that"),
    "balancer_cookie_secure": ("from tomcat_ha_tls and tomcat_ha_tls_redirect", "set those"),
    "balancer_served_by_header": ("from tomcat_ha_served_by_header", "set that"),
    "balancer_backend_answer_hold": ("from the backends' replication settings", "leave it to site.yml"),
    "tomcat_cluster_session_attribute_classes": (
        "from the session_classes of the applications in tomcat_ha_apps",
        "list them with the applications",
    ),
    "tomcat_session_store_enabled": ("from tomcat_ha_strategy", "choose a strategy with the store, or one without"),
    "tomcat_session_store_host": (
        "from the session_stores group (tomcat_ha_store_group), or its host's session_store_address",
        "set session_store_address on the database host",
    ),
    "tomcat_session_store_tls": ("from the database host's session_store_tls", "set that on the database host"),
    "session_store_clients": ("from the backends' own addresses (their facts)", "leave them to site.yml"),
    "tomcat_apps_list": ("from tomcat_ha_apps", "set that"),
    "tomcat_apps_cluster": ("from tomcat_ha_strategy", "choose a strategy with a cluster, or one without"),
    "tomcat_apps_test_page": ("from tomcat_ha_test_page", "set that"),
    "tomcat_apps_http_port": ("from the backend's tomcat_http_port", "set that on the backend"),
    "tomcat_apps_http_address": (
        "from balancer_member_address, the address the balancers use",
        "set that on the backend",
    ),
}
# Where only the host itself could connect: a balancer on another host never reaches a member there.
_LOOPBACK = re.compile(r"localhost(\.localdomain)?|127(\.[0-9]{1,3}){3}|\[::1\]", re.IGNORECASE)
_ROUTE_PREFIX = re.compile(r"[A-Za-z0-9_-]*")
_HEADER = re.compile(r"([A-Za-z0-9][A-Za-z0-9-]*)?")


class TopologyError(ValueError):
    """A setting or an inventory the setup cannot be built from (one sentence, naming the variable)."""


def offered(strategies, balancer):
    """The strategies the balancer runs, in the table's order."""
    setting = BALANCER_SETTINGS[balancer]
    return [name for name, entry in strategies.items() if entry.get(setting) is not None]


def check_strategies(strategies):
    """The strategy table (playbooks/vars/strategies.yml) must give every strategy exactly its keys."""
    if not isinstance(strategies, Mapping) or not strategies:
        raise TopologyError(f"strategies must be the table of playbooks/vars/strategies.yml, got {strategies!r}")
    for name, entry in strategies.items():
        if not isinstance(entry, Mapping) or set(entry) != STRATEGY_KEYS:
            raise TopologyError(f"strategy {name!r} must have exactly the keys {', '.join(sorted(STRATEGY_KEYS))}")
        for key in ("cluster", "store"):
            if not isinstance(entry[key], bool):
                raise TopologyError(f"strategy {name!r}: {key} must be true or false, got {entry[key]!r}")
        if entry["cluster"] and entry["store"]:
            raise TopologyError(f"strategy {name!r}: a context has one session manager, the cluster's or the store's")


def _check_settings(
    strategies, balancer, strategy, backends_group, route_prefix, http_port, cluster_port, served_by_header
):
    """The collection's settings, each refused with its variable's name and value."""
    check_strategies(strategies)
    if balancer not in BALANCER_SETTINGS:
        raise TopologyError(f"tomcat_ha_balancer must be one of {', '.join(BALANCER_SETTINGS)} (got {balancer!r})")
    if strategy not in strategies:
        raise TopologyError(f"tomcat_ha_strategy must be one of {', '.join(strategies)} (got {strategy!r})")
    for var, port in (("tomcat_ha_http_port", http_port), ("tomcat_ha_cluster_port", cluster_port)):
        if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
            raise TopologyError(f"{var} must be a port in 1-65535 (got {port!r})")
    if not isinstance(route_prefix, str) or not _ROUTE_PREFIX.fullmatch(route_prefix):
        raise TopologyError(
            f"tomcat_ha_route_prefix may only contain A-Z, a-z, 0-9, '_' and '-', since every route begins with it "
            f"(got {route_prefix!r}): '.' splits the session ID, ';', ',' and spaces break the cookie"
        )
    if not isinstance(served_by_header, str) or not _HEADER.fullmatch(served_by_header):
        raise TopologyError(
            f"tomcat_ha_served_by_header must be a header name of letters, digits and '-', or '' for none "
            f"(got {served_by_header!r})"
        )
    if not isinstance(backends_group, str) or not backends_group:
        raise TopologyError(f"tomcat_ha_backends_group must be the name of an inventory group (got {backends_group!r})")


def _check_inventory(hostvars, hosts):
    """Refuse what site.yml computes but the inventory (or -e) sets, and a balancer member only its host reaches."""
    for var, (source, instead) in COMPUTED.items():
        setters = [h for h in hosts if host_vars(_NAME, hostvars, h).get(var) is not None]
        if setters:
            raise TopologyError(
                f"{var} is set for {', '.join(setters)}, but site.yml sets it itself, {source}, and would replace that "
                f"value: {instead}, and remove {var} from the inventory and -e."
            )


def _check_reachable(members, balancers):
    """A member on loopback is reached only from its own host: refused unless that host is the balancer."""
    for m in members:
        if _LOOPBACK.fullmatch(str(m["address"])) and m["host"] not in balancers:
            raise TopologyError(
                f"balancer_member_address of {m['host']!r} is {m['address']!r}, a loopback address only that host "
                f"reaches, and the balancer ({', '.join(balancers)}) runs elsewhere: set the address the balancer uses"
            )


def _addresses(hostvars, hosts):
    """Every IPv4 and IPv6 address of the hosts, from their gathered facts (link-local IPv6 left out)."""
    found = []
    for host in hosts:
        facts = host_vars(_NAME, hostvars, host)
        found += list(facts.get("ansible_all_ipv4_addresses") or [])
        found += [a for a in facts.get("ansible_all_ipv6_addresses") or [] if not a.lower().startswith("fe80:")]
    return found


def _not_loopback(addresses):
    """The addresses once each, without the loopback ones (which nothing on another host uses)."""
    return list(dict.fromkeys(a for a in addresses if not a.startswith("127.") and a != "::1"))


def _store_hosts(entry, strategy, groups, store_group):
    """The session store's database host: exactly one with a store strategy, none otherwise."""
    if not entry["store"]:
        return []
    if not isinstance(store_group, str) or not store_group:
        raise TopologyError(f"tomcat_ha_store_group must be the name of an inventory group (got {store_group!r})")
    stores = list(groups.get(store_group) or [])
    if len(stores) != 1:
        raise TopologyError(
            f"tomcat_ha_strategy {strategy} keeps the sessions in a database, and the inventory's '{store_group}' "
            f"group (tomcat_ha_store_group) must hold its one host (got {len(stores)}): add the database host, which "
            "the session_store role builds, or choose a strategy without the store."
        )
    return stores


def _store_tls(hostvars, store):
    """Whether the database host takes only TLS (its session_store_tls), read as strictly as the role reads it."""
    value = host_vars(_NAME, hostvars, store).get("session_store_tls", False)
    problem = type_problem("bool", value)
    if problem:
        raise TopologyError(f"session_store_tls of {store} {problem}.")
    return strict_bool(value)


def _host_names(hostvars, backends, store):
    """Each backend's Tomcat Host name: its own name, or with the store one name on every backend (Tomcat files a
    session under the engine's, the Host's and the application's names, and another Host never finds it)."""
    given = {b: host_vars(_NAME, hostvars, b).get("tomcat_host_name") for b in backends}
    if not store:
        return {b: given[b] or b for b in backends}
    names = {name for name in given.values() if name}
    if len(names) > 1 or (names and len([n for n in given.values() if n]) != len(backends)):
        raise TopologyError(
            "with the session store every backend's tomcat_host_name must be the same, or none of them set (got "
            f"{', '.join(f'{b}: {given[b]!r}' for b in backends)}): a backend files a session under its Host's name "
            "and another Host never finds it."
        )
    return dict.fromkeys(backends, names.pop() if names else "localhost")


def _http_address(address):
    """The connector binds the address the balancers use when that is an IP address; with a host name (which the
    backend itself may resolve to 127.0.1.1) it listens on every address, behind the firewall."""
    return address if re.fullmatch(r"[0-9.]+|\[[0-9A-Fa-f:.]+\]", address) else ""


def topology(
    *,
    strategies,
    groups,
    hostvars,
    balancer="nginx",
    strategy="none",
    backends_group="backends",
    balancers_group="balancers",
    route_prefix="tomcat",
    http_port=8080,
    cluster_port=4000,
    tls=False,
    tls_redirect=True,
    play_hosts=None,
    firewall=True,
    served_by_header="X-Served-By",
    apps=None,
    test_page=True,
    store_group="session_stores",
):
    """The setup: the choice and what it means for every role, the routes, the members and the addresses.

    Raises TopologyError (settings) or AnsibleFilterError (a host variable, from the member filters); each is
    one sentence. play_hosts (the hosts of the run) are checked against the firewall's needs when firewall is on.
    apps are the operator's applications (checked as data; the tomcat_apps role reads their WARs), test_page
    whether the test page serves the site's root. A strategy with the store takes its database host from store_group.
    """
    _check_settings(
        strategies, balancer, strategy, backends_group, route_prefix, http_port, cluster_port, served_by_header
    )
    choices = offered(strategies, balancer)
    if strategy not in choices:
        raise TopologyError(
            f"strategy {strategy} is not offered on {balancer}: use one of {', '.join(choices)}, or the other balancer"
        )
    if tls and balancer not in TLS_BALANCERS:
        raise TopologyError(
            f"tomcat_ha_tls is offered on {' and '.join(TLS_BALANCERS)}, not on {balancer}: "
            f"set tomcat_ha_tls to false, or choose {' or '.join(TLS_BALANCERS)}."
        )
    entry = strategies[strategy]
    cluster = entry["cluster"]
    backends = list(groups.get(backends_group) or [])
    balancers = list(groups.get(balancers_group) or [])
    if not balancers or len(backends) < (2 if cluster else 1):
        need = f"at least two: strategy {strategy} runs a cluster" if cluster else "at least one"
        raise TopologyError(
            f"the inventory needs a '{balancers_group}' group with the balancer and a '{backends_group}' group "
            f"(tomcat_ha_backends_group) with the Tomcat hosts ({need})."
        )
    stores = _store_hosts(entry, strategy, groups, store_group)
    if firewall and play_hosts is not None:
        missing = [h for h in balancers + backends + stores if h not in play_hosts]
        if missing:
            raise TopologyError(
                "the backends' firewall needs the addresses of every balancer and backend, but "
                f"{', '.join(missing)} were left out of this run (--limit): run it on all of them, "
                "or set tomcat_firewall_enabled to false."
            )
    try:
        planned = plan(apps, test_page=test_page)
    except AppError as exc:
        raise TopologyError(str(exc)) from None
    check_setting = HEALTH_CHECK_PATHS.get(balancer)
    if not test_page and check_setting and not all(check_setting in host_vars(_NAME, hostvars, b) for b in balancers):
        raise TopologyError(
            f"tomcat_ha_test_page is false, so no backend serves /health.jsp, the test page that {balancer}'s health "
            f"checks ask for: set {check_setting} to a page of your application that answers without a session "
            "(its health path, such as /shop/health)."
        )
    _check_inventory(hostvars, balancers + backends + stores)
    host_names = _host_names(hostvars, backends, entry["store"])
    routes = build_routes("jvm_routes", backends, hostvars, prefix=route_prefix)
    members = balancer_members(backends, hostvars, routes=routes, default_port=http_port)
    _check_reachable(members, balancers)
    peers = cluster_members(backends, hostvars, routes=routes, default_port=cluster_port) if cluster else []
    setting = entry[BALANCER_SETTINGS[balancer]]
    balancer_addresses = _addresses(hostvars, balancers)
    backend_addresses = _addresses(hostvars, backends)
    by_host = {m["host"]: m for m in members}
    names = {}
    for m in members:
        # Every way a balancer names the backend that served a request: HAProxy its server name (the route),
        # httpd its worker URL, nginx the address and port it connected to (an IP address from the facts).
        names[m["route"]] = m["host"]
        names[f"{m['address']}:{m['port']}"] = m["host"]
        names[f"http://{m['address']}:{m['port']}"] = m["host"]
        for address in _addresses(hostvars, [m["host"]]):
            names[f"[{address}]:{m['port']}" if ":" in address else f"{address}:{m['port']}"] = m["host"]
    hosts = {}
    for host in backends:
        others = [h for h in backends if h != host]
        drop = _addresses(hostvars, balancers + others) + [p["address"] for p in peers if p["host"] != host]
        hosts[host] = {
            "route": routes[host],
            "http_port": by_host[host]["port"],
            "http_address": _http_address(by_host[host]["address"]),
            # A partition cuts this backend off from every address of the balancers and of the other backends.
            "drop_addresses": _not_loopback(drop),
            "host_name": host_names[host],
        }
    return {
        "balancer": balancer,
        "strategy": strategy,
        "description": entry["description"],
        "cluster": cluster,
        "balancer_setting": setting,
        # JvmRouteBinderValve renames a session to the node that serves it: only behind a sticky balancer, where
        # that happens once per failover (behind round robin every other request would rename it).
        "route_binder": setting not in ROUND_ROBIN,
        "round_robin": setting in ROUND_ROBIN,
        "tls": bool(tls),
        "tls_redirect": bool(tls_redirect),
        # With TLS and the redirect every request is HTTPS, so the cookies are marked Secure.
        "cookie_secure": bool(tls and tls_redirect),
        "backends_group": backends_group,
        "backends": backends,
        "balancers": balancers,
        "routes": routes,
        "balancer_members": members,
        "cluster_members": peers,
        "balancer_addresses": balancer_addresses,
        "backend_addresses": backend_addresses,
        # The backends' firewall admits the cluster ports from the backends' own addresses (their facts), not
        # the configured cluster addresses: a wrong one must not lock a healthy peer out while a run rolls back.
        "cluster_sources": backend_addresses if cluster else [],
        "hosts": hosts,
        # The response header the balancer names the serving backend in ("" for none), and every name it can
        # give mapped to the backend's inventory name (the probe's and the load's backend_names).
        "served_by_header": served_by_header,
        "backend_names": names,
        # The operator's applications (the tomcat_apps role deploys them), whether the test page serves the root,
        # and the classes of the applications' own session attributes that the cluster may replicate.
        "apps": planned,
        "test_page": bool(test_page),
        "session_classes": session_classes(planned),
        # The session store: its database host (one, or none without the store), the name or address the backends
        # reach it at, and the backends' addresses, the only clients it admits (and what a partition of it drops).
        "store": entry["store"],
        "store_hosts": stores,
        "store_host": (host_vars(_NAME, hostvars, stores[0]).get("session_store_address") or stores[0])
        if stores
        else "",
        "store_clients": _not_loopback(backend_addresses) if stores else [],
        "store_tls": bool(stores) and _store_tls(hostvars, stores[0]),
    }

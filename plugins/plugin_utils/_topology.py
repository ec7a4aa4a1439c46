# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Checks and route computation shared by the collection's topology filters.

PRIVATE: only for this collection's own plugins (the leading underscore); the API may change without notice.
Every error is an AnsibleFilterError that names the calling filter, the host and the bad value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ansible.errors import AnsibleFilterError
from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._settings import strict_bool

# fullmatch, not match with "$": "$" also matches before a trailing newline.
ROUTE_RE = re.compile(r"[A-Za-z0-9_-]+")


def check_hosts(filter_name, backends):
    """Return backends as a list of unique hostnames, or raise AnsibleFilterError."""
    if isinstance(backends, (str, bytes)) or not isinstance(backends, (list, tuple)):
        raise AnsibleFilterError(f"{filter_name}: backends must be a list of inventory hostnames, got {backends!r}")
    seen = set()
    for host in backends:
        if not isinstance(host, str) or not host:
            raise AnsibleFilterError(f"{filter_name}: every backend must be a non-empty hostname string, got {host!r}")
        if host in seen:
            raise AnsibleFilterError(f"{filter_name}: duplicate backend hostname {host!r}")
        seen.add(host)
    return list(backends)


def check_hostvars(filter_name, hostvars, required):
    if hostvars is None and not required:
        return None
    if not isinstance(hostvars, Mapping):
        raise AnsibleFilterError(f"{filter_name}: hostvars must be a mapping (pass hostvars), got {hostvars!r}")
    return hostvars


def host_vars(filter_name, hostvars, host):
    """The variables of one host; an error when the host is missing from hostvars."""
    # Ansible's HostVars returns an undefined value (no KeyError) for unknown hosts: ask first.
    if host not in hostvars:
        raise AnsibleFilterError(f"{filter_name}: host {host!r} is not in hostvars")
    values = hostvars[host]
    if not isinstance(values, Mapping):
        raise AnsibleFilterError(f"{filter_name}: hostvars[{host!r}] is not a mapping: {type(values).__name__}")
    return values


def check_route(filter_name, host, route):
    if not isinstance(route, str):
        raise AnsibleFilterError(f"{filter_name}: route of {host!r} must be a string, got {route!r}")
    if route == "":
        raise AnsibleFilterError(f"{filter_name}: route of {host!r} is empty")
    if not ROUTE_RE.fullmatch(route):
        raise AnsibleFilterError(
            f"{filter_name}: route {route!r} of {host!r} may only contain A-Z, a-z, 0-9, '_' and '-' "
            "('.' splits the session ID, ';', ',' and spaces break the cookie)"
        )
    return route


def check_unique_routes(filter_name, routes):
    owners = {}
    for host, route in routes.items():
        if route in owners:
            raise AnsibleFilterError(
                f"{filter_name}: duplicate route {route!r} for hosts {owners[route]!r} and {host!r}"
            )
        owners[route] = host


def claim_endpoint(filter_name, endpoints, host, address, port, clash):
    """Record host at address:port in endpoints (a dict), or raise when another host is there already.

    clash words the error between the two hosts and the endpoint, e.g. "share the cluster address"."""
    key = (address.lower(), port)
    if key in endpoints:
        raise AnsibleFilterError(f"{filter_name}: {host!r} and {endpoints[key]!r} {clash.format(f'{address}:{port}')}")
    endpoints[key] = host


def check_int(filter_name, host, var, value, low, high):
    """An int in low..high; a string of ASCII digits (from -e or INI inventories) is taken too, nothing else."""
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise AnsibleFilterError(f"{filter_name}: {var} of {host!r} must be an integer, got {value!r}")
    if not low <= value <= high:
        raise AnsibleFilterError(f"{filter_name}: {var} of {host!r} must be between {low} and {high}, got {value!r}")
    return value


def check_bool(filter_name, host, var, value):
    """A boolean as every reader of it reads it: true/false, yes/no, on/off, 1/0, never y, t or "yes "."""
    result = strict_bool(value)
    if result is None:
        raise AnsibleFilterError(f"{filter_name}: {var} of {host!r} must be a boolean, got {value!r}")
    return result


def build_routes(filter_name, backends, hostvars, prefix="tomcat", override_var="tomcat_jvm_route"):
    """jvm_routes with errors named after the calling filter (balancer_members and cluster_members use it too)."""
    backends = check_hosts(filter_name, backends)
    hostvars = check_hostvars(filter_name, hostvars, required=False)
    if not isinstance(prefix, str):
        raise AnsibleFilterError(f"{filter_name}: prefix must be a string, got {prefix!r}")
    if not isinstance(override_var, str) or not override_var:
        raise AnsibleFilterError(f"{filter_name}: override_var must be a variable name, got {override_var!r}")
    routes = {}
    for index, host in enumerate(backends, start=1):
        route = f"{prefix}{index}"
        if hostvars is not None and host in hostvars:
            override = host_vars(filter_name, hostvars, host).get(override_var)
            if override is not None and override != "":
                if not isinstance(override, str):
                    raise AnsibleFilterError(
                        f"{filter_name}: {override_var} of {host!r} must be a string, got {override!r}"
                    )
                route = override
        routes[host] = check_route(filter_name, host, route)
    check_unique_routes(filter_name, routes)
    return routes


def resolve_routes(filter_name, backends, hostvars, routes):
    """The routes given (checked against the backends), or jvm_routes' defaults when routes is None."""
    if routes is None:
        return build_routes(filter_name, backends, hostvars)
    if not isinstance(routes, Mapping):
        raise AnsibleFilterError(f"{filter_name}: routes must be a mapping of hostname to route, got {routes!r}")
    for host in backends:
        if host not in routes:
            raise AnsibleFilterError(f"{filter_name}: routes has no route for backend {host!r}")
        check_route(filter_name, host, routes[host])
    check_unique_routes(filter_name, {host: routes[host] for host in backends})
    return dict(routes)


def var_or_default(values, key, default):
    """A host variable, or default when it is unset or null (a null variable counts as not set)."""
    value = values.get(key)
    return default if value is None else value

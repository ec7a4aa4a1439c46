# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Ansible layout: DOCUMENTATION, EXAMPLES and RETURN come before the imports.
# ruff: noqa: E402

from __future__ import annotations

DOCUMENTATION = r"""
name: jvm_routes
short_description: Map each backend to its Tomcat jvmRoute
version_added: 0.1.0
author: sessionlab maintainers (@sessionlab)
positional: _input, hostvars
description:
  - Returns a dictionary from inventory hostname to the Tomcat C(jvmRoute) of that backend.
  - The default route is O(prefix) followed by the 1-based position of the host in O(_input)
    (C(tomcat1), C(tomcat2), ...). A non-empty string in the host variable named by O(override_var) wins.
  - Routes may only contain C(A-Z), C(a-z), C(0-9), C(_) and C(-). A C(.) would break the C(id.route) split
    done by Tomcat and httpd; C(;), C(,) and spaces break the cookie.
options:
  _input:
    description: Inventory hostnames of the backends, in group order.
    type: list
    elements: str
    required: true
  hostvars:
    description: The C(hostvars) mapping, to read per-host overrides. Without it only default routes are built.
    type: dict
  prefix:
    description: Prefix of the default routes.
    type: str
    default: tomcat
  override_var:
    description: Host variable that overrides the default route of a host.
    type: str
    default: tomcat_jvm_route
notes:
  - Errors name the filter and the bad value; duplicate hosts, duplicate routes and invalid characters are errors.
"""

EXAMPLES = r"""
- name: Routes for the tomcat group
  ansible.builtin.debug:
    msg: "{{ groups['tomcat'] | sessionlab.tomcat_ha.jvm_routes(hostvars) }}"
  # {"backend1": "tomcat1", "backend2": "tomcat2"}

- name: The route of this host
  ansible.builtin.set_fact:
    tomcat_jvm_route: "{{ (groups['tomcat'] | sessionlab.tomcat_ha.jvm_routes(hostvars))[inventory_hostname] }}"
"""

RETURN = r"""
_value:
  description: Inventory hostname to route.
  type: dict
  sample: {backend1: tomcat1, backend2: tomcat2}
"""

import re
from collections.abc import Mapping

from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import boolean

ROUTE_RE = re.compile(r"^[A-Za-z0-9_-]+$")


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
    if not ROUTE_RE.match(route):
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


def check_int(filter_name, host, var, value, low, high):
    """An int in low..high; digit strings (from -e or INI inventories) are accepted."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise AnsibleFilterError(f"{filter_name}: {var} of {host!r} must be an integer, got {value!r}")
    if not low <= value <= high:
        raise AnsibleFilterError(f"{filter_name}: {var} of {host!r} must be between {low} and {high}, got {value!r}")
    return value


def check_bool(filter_name, host, var, value):
    try:
        return boolean(value, strict=True)
    except TypeError as exc:
        raise AnsibleFilterError(
            f"{filter_name}: {var} of {host!r} must be a boolean, got {value!r}", orig_exc=exc
        ) from exc


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


def jvm_routes(backends, hostvars=None, *, prefix="tomcat", override_var="tomcat_jvm_route"):
    """{inventory_hostname: jvmRoute}; default prefix + 1-based index, a per-host override wins."""
    return build_routes("jvm_routes", backends, hostvars, prefix=prefix, override_var=override_var)


class FilterModule:
    def filters(self):
        return {"jvm_routes": jvm_routes}

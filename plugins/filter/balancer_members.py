# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Ansible layout: DOCUMENTATION, EXAMPLES and RETURN come before the imports.
# ruff: noqa: E402

from __future__ import annotations

DOCUMENTATION = r"""
name: balancer_members
short_description: Balancer members (nginx upstream servers, httpd BalancerMembers) from the backends
version_added: 1.0.0
author: sessionlab maintainers (@sessionlab)
positional: _input, hostvars
description:
  - Returns one dictionary per backend, in the order of O(_input), with the keys C(host), C(address), C(port),
    C(route), C(weight), C(down) and C(backup), ready for an nginx C(upstream) or httpd C(<Proxy balancer://>) template.
  - C(address) is the host variable C(balancer_member_address), or the inventory hostname. It must be a host name,
    an IPv4 address or an IPv6 address in brackets (V([fd00::1])), which is how both nginx and httpd read an
    address followed by C(:port); anything else (a bare IPv6 address, C(;), C(}), quotes, spaces or a newline,
    which would end or inject a configuration line) is refused.
  - C(port) is the host variable C(tomcat_http_port) (1-65535), or O(default_port).
  - C(route) comes from O(routes), or from P(sessionlab.tomcat_ha.jvm_routes#filter) with the default options.
  - C(weight) is C(balancer_member_weight) (integer 1-100, default 1); it doubles as httpd C(loadfactor).
  - C(down) and C(backup) are the booleans C(balancer_member_down) and C(balancer_member_backup) (default false).
  - A host variable set to V(null) counts as not set.
options:
  _input:
    description: Inventory hostnames of the backends, in group order.
    type: list
    elements: str
    required: true
  hostvars:
    description: The C(hostvars) mapping.
    type: dict
    required: true
  routes:
    description: Inventory hostname to route, for example the output of P(sessionlab.tomcat_ha.jvm_routes#filter).
    type: dict
  default_port:
    description: HTTP port of a backend without C(tomcat_http_port).
    type: int
    default: 8080
notes:
  - Errors name the filter, the host and the bad value (wrong type, port or weight out of range, invalid route,
    an address that is not a host name, IPv4 or bracketed IPv6), two members on the same address and port, and
    every member C(down).
"""

EXAMPLES = r"""
- name: Render the nginx upstream
  ansible.builtin.template:
    src: upstream.conf.j2
    dest: /etc/nginx/conf.d/upstream.conf
  vars:
    __members: "{{ groups['tomcat'] | sessionlab.tomcat_ha.balancer_members(hostvars) }}"
  # upstream.conf.j2:
  # {% for m in __members %}
  # server {{ m.address }}:{{ m.port }} weight={{ m.weight }}{{ ' down' if m.down else '' }};
  # {% endfor %}
"""

RETURN = r"""
_value:
  description: One member per backend.
  type: list
  elements: dict
  sample:
    - {host: backend1, address: 172.18.0.3, port: 8080, route: tomcat1, weight: 1, down: false, backup: false}
    - {host: backend2, address: backend2, port: 8080, route: tomcat2, weight: 2, down: false, backup: true}
"""

import ipaddress
import re
from functools import partial

from ansible.errors import AnsibleFilterError
from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._topology import (
    check_bool,
    check_hosts,
    check_hostvars,
    check_int,
    claim_endpoint,
    host_vars,
    resolve_routes,
    var_or_default,
)

# A DNS name (letters, digits, '-', '_' and dots) or an IPv4 address; fullmatch, so no trailing newline.
HOST_NAME_RE = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?")


def check_address(filter_name, host, var, value):
    """A host name, an IPv4 address or a bracketed IPv6 address, as it goes before ':port' in the config."""
    if not isinstance(value, str) or not value:
        raise AnsibleFilterError(f"{filter_name}: {var} of {host!r} must be a host name or address, got {value!r}")
    if value.startswith("[") and value.endswith("]"):
        try:
            if ipaddress.ip_address(value[1:-1]).version == 6:
                return value
        except ValueError:
            pass
    else:
        try:
            ipaddress.IPv6Address(value)
        except ValueError:
            pass
        else:
            raise AnsibleFilterError(
                f"{filter_name}: {var} of {host!r} is the IPv6 address {value!r} without brackets: "
                f"write it as '[{value}]', so that the port after it is not read as part of the address"
            )
        if HOST_NAME_RE.fullmatch(value) and len(value) <= 253:
            return value
    raise AnsibleFilterError(
        f"{filter_name}: {var} of {host!r} must be a host name, an IPv4 address or an IPv6 address in brackets, "
        f"got {value!r}: characters such as ';', '}}', quotes, spaces or a newline would break the configuration"
    )


def balancer_members(backends, hostvars, *, routes=None, default_port=8080):
    """One {host, address, port, route, weight, down, backup} per backend, in order."""
    name = "balancer_members"
    backends = check_hosts(name, backends)
    hostvars = check_hostvars(name, hostvars, required=True)
    default_port = check_int(name, "(default)", "default_port", default_port, 1, 65535)
    routes = resolve_routes(name, backends, hostvars, routes)

    members = []
    for host in backends:
        var = partial(var_or_default, host_vars(name, hostvars, host))

        members.append(
            {
                "host": host,
                "address": check_address(name, host, "balancer_member_address", var("balancer_member_address", host)),
                "port": check_int(name, host, "tomcat_http_port", var("tomcat_http_port", default_port), 1, 65535),
                "route": routes[host],
                "weight": check_int(name, host, "balancer_member_weight", var("balancer_member_weight", 1), 1, 100),
                "down": check_bool(name, host, "balancer_member_down", var("balancer_member_down", False)),
                "backup": check_bool(name, host, "balancer_member_backup", var("balancer_member_backup", False)),
            }
        )
    endpoints = {}
    for m in members:
        clash = "are both {}: give each backend its own balancer_member_address or tomcat_http_port"
        claim_endpoint(name, endpoints, m["host"], m["address"], m["port"], clash)
    if members and all(m["down"] for m in members):
        raise AnsibleFilterError(
            f"{name}: every member is down ({', '.join(m['host'] for m in members)}), so the balancer would "
            "refuse every request: set balancer_member_down to false on at least one backend"
        )
    return members


class FilterModule:
    def filters(self):
        return {"balancer_members": balancer_members}

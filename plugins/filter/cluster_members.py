# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Ansible layout: DOCUMENTATION, EXAMPLES and RETURN come before the imports.
# ruff: noqa: E402

from __future__ import annotations

DOCUMENTATION = r"""
name: cluster_members
short_description: Tomcat static cluster members (StaticMembershipService) from the backends
version_added: 1.0.0
author: sessionlab maintainers (@sessionlab)
positional: _input, hostvars
description:
  - Returns one dictionary per backend, in the order of O(_input), with the keys C(host), C(address), C(port),
    C(unique_id) and C(route), for C(<Member className="org.apache.catalina.tribes.membership.StaticMember">)
    elements and the C(NioReceiver) address.
  - C(address) is the host variable C(tomcat_cluster_address), else C(ansible_default_ipv4.address) (gathered facts).
    It must be an IP address that is not loopback or unspecified; C(auto) is refused because Tomcat resolves the
    hostname, which is often 127.0.1.1, and peers cannot connect.
  - C(port) is the host variable C(tomcat_cluster_receiver_port) (1-65535), or O(default_port).
  - C(unique_id) is derived from the MD5 of the inventory hostname, written as Tomcat's
    C(Arrays.fromString) parses it, C({b0,b1,...,b15}) with 16 signed byte values (-128..127) and no spaces
    (Tomcat parses each value with C(Byte.parseByte), which rejects 128..255 and surrounding spaces).
  - C(route) comes from O(routes), or from P(sessionlab.tomcat_ha.jvm_routes#filter) with the default options.
options:
  _input:
    description: Inventory hostnames of the backends, in group order. At least two.
    type: list
    elements: str
    required: true
  hostvars:
    description: The C(hostvars) mapping.
    type: dict
    required: true
  default_port:
    description: Receiver port of a backend without C(tomcat_cluster_receiver_port).
    type: int
    default: 4000
  routes:
    description: Inventory hostname to route, for example the output of P(sessionlab.tomcat_ha.jvm_routes#filter).
    type: dict
notes:
  - Errors name the filter and the bad value; fewer than two backends and two members on the same address and
    port are errors too.
"""

EXAMPLES = r"""
- name: Static members for server.xml
  ansible.builtin.set_fact:
    tomcat_cluster_static_members: "{{ groups['tomcat'] | sessionlab.tomcat_ha.cluster_members(hostvars) }}"
  # server.xml.j2:
  # {% for m in tomcat_cluster_static_members %}
  # <Member className="org.apache.catalina.tribes.membership.StaticMember"
  #         host="{{ m.address }}" port="{{ m.port }}" uniqueId="{{ m.unique_id }}"/>
  # {% endfor %}
"""

RETURN = r"""
_value:
  description: One static member per backend.
  type: list
  elements: dict
  sample:
    - {host: backend1, address: 172.18.0.3, port: 4000, route: tomcat1,
       unique_id: "{92,30,-47,-21,58,-62,88,4,-60,-37,-103,-97,-73,-83,-83,76}"}
"""

import hashlib
import ipaddress
from collections.abc import Mapping

from ansible.errors import AnsibleFilterError
from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._topology import (
    check_hosts,
    check_hostvars,
    check_int,
    claim_endpoint,
    host_vars,
    resolve_routes,
    var_or_default,
)


def static_member_unique_id(host):
    """16 bytes of md5(host) as Tomcat's Arrays.fromString reads them: '{b0,...,b15}', signed, no spaces."""
    digest = hashlib.md5(host.encode("utf-8"), usedforsecurity=False).digest()
    return "{" + ",".join(str(b - 256 if b > 127 else b) for b in digest) + "}"


def check_cluster_address(filter_name, host, source, value):
    if isinstance(value, str) and value.strip().lower() == "auto":
        raise AnsibleFilterError(
            f"{filter_name}: {source} of {host!r} is 'auto'; Tomcat would resolve the hostname (often 127.0.1.1) "
            "and peers could not connect: set the host's private IP address"
        )
    if not isinstance(value, str):
        raise AnsibleFilterError(f"{filter_name}: {source} of {host!r} must be an IP address string, got {value!r}")
    if "%" in value:
        raise AnsibleFilterError(
            f"{filter_name}: {source} of {host!r} is {value!r}, an IPv6 address with a zone ID (after '%'), which "
            "server.xml would take as it is: set the host's private address, without a zone ID"
        )
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError as exc:
        raise AnsibleFilterError(
            f"{filter_name}: {source} of {host!r} must be an IP address, got {value!r}", orig_exc=exc
        ) from exc
    if address.is_loopback or address.is_unspecified:
        raise AnsibleFilterError(
            f"{filter_name}: {source} of {host!r} is {value!r}; the Tomcat Receiver must bind the host's "
            "private address, not a loopback or unspecified one"
        )
    return str(address)


def cluster_members(backends, hostvars, *, default_port=4000, routes=None):
    """One {host, address, port, unique_id, route} per backend, in order."""
    name = "cluster_members"
    backends = check_hosts(name, backends)
    if len(backends) < 2:
        raise AnsibleFilterError(f"{name}: a cluster needs at least two backends, got {backends!r}")
    hostvars = check_hostvars(name, hostvars, required=True)
    default_port = check_int(name, "(default)", "default_port", default_port, 1, 65535)
    routes = resolve_routes(name, backends, hostvars, routes)

    members = []
    endpoints = {}
    for host in backends:
        values = host_vars(name, hostvars, host)
        if values.get("tomcat_cluster_address") is not None:
            source, address = "tomcat_cluster_address", values["tomcat_cluster_address"]
        else:
            facts = values.get("ansible_default_ipv4")
            if not isinstance(facts, Mapping) or not facts.get("address"):
                raise AnsibleFilterError(
                    f"{name}: no cluster address for {host!r}: gather facts (ansible_default_ipv4) "
                    "or set tomcat_cluster_address"
                )
            source, address = "ansible_default_ipv4.address", facts["address"]
        address = check_cluster_address(name, host, source, address)
        port = var_or_default(values, "tomcat_cluster_receiver_port", default_port)
        port = check_int(name, host, "tomcat_cluster_receiver_port", port, 1, 65535)
        claim_endpoint(name, endpoints, host, address, port, "share the cluster address {}")
        members.append(
            {
                "host": host,
                "address": address,
                "port": port,
                "unique_id": static_member_unique_id(host),
                "route": routes[host],
            }
        )
    return members


class FilterModule:
    def filters(self):
        return {"cluster_members": cluster_members}

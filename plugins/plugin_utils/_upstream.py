# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""An nginx upstream's servers, as the prediction filters (nginx_ip_hash, nginx_hash) read them.

PRIVATE: only for this collection's own plugins (the leading underscore); the API may change without notice.
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError
from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._topology import check_bool, check_int

SERVER_KEYS = {"name", "weight", "down"}
# The keys of a balancer_members entry.
MEMBER_KEYS = {"host", "address", "port", "route", "weight", "down", "backup"}


def _member_address_port(filter_name, member, label):
    """address:port of a balancer member, as the nginx_balancer template writes its server line."""
    address = member.get("address")
    if not isinstance(address, str) or not address or any(c.isspace() for c in address):
        raise AnsibleFilterError(
            f"{filter_name}: address of member {label!r} must be a host name or address, got {address!r}"
        )
    port = member.get("port")
    # check_int takes an int or its ASCII digits alone, as the template writes it.
    check_int(filter_name, label, "port", port, 1, 65535)
    return f"{address}:{port}"


def _from_member(filter_name, member, method, name_from):
    """A balancer_members entry as a server: (server dict, label).

    name_from is "host" (the server is known by the member's host, its position is what counts) or
    "address_port" (the server's name is the address:port the template writes, which a hash depends on).
    """
    unknown = set(member) - MEMBER_KEYS
    if unknown:
        raise AnsibleFilterError(
            f"{filter_name}: unknown balancer member keys {sorted(unknown)!r} in {member!r} "
            f"(allowed: {sorted(MEMBER_KEYS)})"
        )
    label = member.get("host", member.get("address"))
    if check_bool(filter_name, label, "backup", member.get("backup", False)):
        raise AnsibleFilterError(
            f"{filter_name}: member {label!r} is a backup, which nginx does not allow with {method}"
        )
    name = member.get("host") if name_from == "host" else _member_address_port(filter_name, member, label)
    server = {key: member[key] for key in ("weight", "down") if key in member} | {"name": name}
    return server, member.get("host") or name


def upstream_servers(filter_name, servers, *, method, name_from="host", max_weight=1000):
    """[{name, label, weight, down}] in configuration order, from names, dicts or balancer_members entries.

    Every error is an AnsibleFilterError that names the filter and the bad value.
    """
    if isinstance(servers, (str, bytes, Mapping)) or not isinstance(servers, (list, tuple)):
        raise AnsibleFilterError(f"{filter_name}: servers must be a list of names or dicts, got {servers!r}")
    if not servers:
        raise AnsibleFilterError(f"{filter_name}: servers is empty; an upstream needs at least one server")
    result = []
    names = set()
    for server in servers:
        if isinstance(server, str):
            server = {"name": server}
        if not isinstance(server, Mapping):
            raise AnsibleFilterError(f"{filter_name}: a server must be a name or a dict, got {server!r}")
        label = None
        if "name" not in server and ("host" in server or "address" in server):
            server, label = _from_member(filter_name, server, method, name_from)
        unknown = set(server) - SERVER_KEYS
        if unknown:
            raise AnsibleFilterError(
                f"{filter_name}: unknown server keys {sorted(unknown)!r} in {server!r} (allowed: name, weight, down)"
            )
        name = server.get("name")
        if not isinstance(name, str) or not name or any(c.isspace() or c == ";" for c in name):
            raise AnsibleFilterError(
                f"{filter_name}: server name must be a non-empty string without spaces or ';', got {name!r}"
            )
        if name in names:
            raise AnsibleFilterError(f"{filter_name}: duplicate server name {name!r}")
        names.add(name)
        weight = server.get("weight", 1)
        if isinstance(weight, str):  # check_int would take "3"; a weight here must be a number
            raise AnsibleFilterError(f"{filter_name}: weight of {name!r} must be an integer, got {weight!r}")
        weight = check_int(filter_name, name, "weight", weight, 1, max_weight)
        down = check_bool(filter_name, name, "down", server.get("down", False))
        result.append({"name": name, "label": label or name, "weight": weight, "down": down})
    return result

# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Ansible layout: DOCUMENTATION, EXAMPLES and RETURN come before the imports.
# ruff: noqa: E402

from __future__ import annotations

DOCUMENTATION = r"""
name: nginx_ip_hash
short_description: Predict which upstream server nginx's ip_hash picks for a client address
version_added: 1.0.0
author: sessionlab maintainers (@sessionlab)
positional: _input, servers
description:
  - Replays C(ngx_http_upstream_get_ip_hash_peer) of nginx 1.22 for a client address and an upstream's servers,
    in the order they appear in the C(upstream) block.
  - The key is the first 3 bytes of an IPv4 address or all 16 bytes of an IPv6 address. An IPv4-mapped IPv6
    address (C(::ffff:a.b.c.d)) is hashed as IPv6 (16 bytes), as nginx does when it accepted the connection on an
    IPv6 socket; nginx does not convert it. The value V(unix:) stands for a UNIX-socket client (3 zero bytes).
  - "Per try: C(hash = 89) at the start, then for each key byte C(hash = (hash * 113 + byte) % 6271), chained
    across tries; C(w = hash % total_weight) (C(down) servers count in the total); walk the servers subtracting
    their weights while C(w >= weight). A C(down) server means another try."
  - After 20 retries (21 hashes) nginx falls back to round robin, and with a single server it uses round robin
    directly. The result then has RV(_value.fallback=round_robin); the server is V(null) because round robin
    depends on the balancer's state, except with a single server that is not down, which round robin always picks.
  - Servers that failed at run time (C(max_fails)/C(fail_timeout)) or reached C(max_conns) are skipped by nginx
    like C(down) ones; this filter only knows what is configured. A server name that resolves to several addresses
    is several peers in nginx; give one entry per address.
options:
  _input:
    description: Client IP address as nginx sees it (C($remote_addr)).
    type: string
    required: true
  servers:
    description:
      - The upstream's servers in configuration order. Each is a name, or a dictionary with C(name) (required),
        C(weight) (integer >= 1, default 1) and C(down) (boolean, default false).
      - The output of the C(balancer_members) filter is accepted as it is; its C(host) is the server's name,
        and a C(backup) member is refused, as nginx refuses it with C(ip_hash).
    type: list
    elements: raw
    required: true
notes:
  - Errors name the filter and the bad value (unparseable address, no servers, bad weight, duplicate names,
    unknown keys such as C(backup), which nginx refuses together with ip_hash).
  - The unit tests check the prediction against a real nginx on loopback, for hundreds of client networks and
    several layouts (weights, a server C(down)). The collection's C(verify.yml) checks, whenever nginx runs
    C(ip_hash), that the backend nginx really chose for the client is the predicted one.
"""

EXAMPLES = r"""
- name: Which Tomcat gets this office's users?
  ansible.builtin.debug:
    msg: "{{ ('203.0.113.25' | sessionlab.tomcat_ha.nginx_ip_hash(['tomcat1', 'tomcat2'])).server }}"

- name: With weights and a server taken out of service
  ansible.builtin.debug:
    msg: >-
      {{ '198.51.100.7' | sessionlab.tomcat_ha.nginx_ip_hash([
           {'name': 'tomcat1', 'weight': 3},
           {'name': 'tomcat2', 'down': true},
           {'name': 'tomcat3', 'weight': 2}]) }}
"""

RETURN = r"""
_value:
  description: The prediction.
  type: dict
  contains:
    server:
      description: Name of the chosen server, V(null) when nginx falls back to round robin (or no server is up).
      type: string
    index:
      description: 0-based position of the chosen server, V(null) with RV(_value.server).
      type: int
    tries:
      description:
        - Number of hash rounds computed (1 when the first choice is up, 21 when nginx gave up, 0 with a single server).
      type: int
    fallback:
      description: V(round_robin) when nginx does not use the hash, else V(null).
      type: string
    key:
      description: The address bytes that were hashed.
      type: list
      elements: int
  sample: {server: tomcat1, index: 0, tries: 1, fallback: null, key: [203, 0, 113]}
"""

import ipaddress

from ansible.errors import AnsibleFilterError
from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._upstream import upstream_servers

_NAME = "nginx_ip_hash"
MAX_TRIES = 20  # nginx: if (++iphp->tries > 20) return round robin


def ip_hash_key(client):
    """The bytes nginx hashes for a client address."""
    if not isinstance(client, str):
        raise AnsibleFilterError(f"{_NAME}: client address must be a string, got {client!r}")
    if client.startswith("unix:"):
        return [0, 0, 0]  # ngx_http_upstream_ip_hash_pseudo_addr
    text = client.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    try:
        address = ipaddress.ip_address(text)
    except ValueError as exc:
        raise AnsibleFilterError(f"{_NAME}: cannot parse client address {client!r}", orig_exc=exc) from exc
    packed = address.packed
    return list(packed[:3]) if address.version == 4 else list(packed)


def _servers(servers):
    return upstream_servers(_NAME, servers, method="ip_hash", name_from="host")


def nginx_ip_hash(client, servers):
    """Predict nginx 1.22 ip_hash: {server, index, tries, fallback, key}."""
    key = ip_hash_key(client)
    peers = _servers(servers)

    if len(peers) == 1:
        # nginx: if (iphp->tries > 20 || peers->single) -> round robin, which has only this peer.
        only = peers[0]
        up = not only["down"]
        return {
            "server": only["name"] if up else None,
            "index": 0 if up else None,
            "tries": 0,
            "fallback": "round_robin",
            "key": key,
        }

    total_weight = sum(peer["weight"] for peer in peers)
    hash_value = 89
    tries = 0
    rounds = 0
    while True:
        rounds += 1
        for byte in key:
            hash_value = (hash_value * 113 + byte) % 6271
        w = hash_value % total_weight
        index = 0
        while w >= peers[index]["weight"]:
            w -= peers[index]["weight"]
            index += 1
        if not peers[index]["down"]:
            return {"server": peers[index]["name"], "index": index, "tries": rounds, "fallback": None, "key": key}
        tries += 1
        if tries > MAX_TRIES:
            return {"server": None, "index": None, "tries": rounds, "fallback": "round_robin", "key": key}


class FilterModule:
    def filters(self):
        return {"nginx_ip_hash": nginx_ip_hash}

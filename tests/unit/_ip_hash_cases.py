# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The cases nginx_ip_hash is checked with against a real nginx: by the unit tests (Debian 12's nginx on this
host's loopback) and by the trixie Molecule scenario (Debian 13's, on the balancer's loopback).

Three servers answer with their name; each case is an ip_hash upstream of them, reached at /<case>. Clients are
127.A.B.1, one per /24 (Linux loopback accepts any 127/8 source).
"""

from __future__ import annotations

import random

# Upstream name -> server list as the filter takes it; "down" and weights as in the nginx configuration.
CASES = {
    "two": ["b1", "b2"],
    "weights": [{"name": "b1", "weight": 3}, {"name": "b2", "weight": 1}, {"name": "b3", "weight": 2}],
    "down": ["b1", {"name": "b2", "down": True}, "b3"],
}
SERVERS = ("b1", "b2", "b3")


def client_addresses(count, seed):
    """`count` clients, each in a /24 of its own, the same ones for the same seed."""
    rng = random.Random(seed)
    nets = rng.sample([(a, b) for a in range(1, 256) for b in range(256)], count)
    return [f"127.{a}.{b}.1" for a, b in nets]


def server_line(server, ports):
    """One upstream member as nginx's configuration writes it, at its port on loopback."""
    if isinstance(server, str):
        server = {"name": server}
    line = f"server 127.0.0.1:{ports[server['name']]}"
    if server.get("weight", 1) != 1:
        line += f" weight={server['weight']}"
    if server.get("down"):
        line += " down"
    return line + ";"


def http_blocks(ports):
    """The servers that answer with their name and one ip_hash upstream per case: blocks of nginx's http{}."""
    blocks = [f'  server {{ listen 127.0.0.1:{port}; return 200 "{name}"; }}' for name, port in ports.items()]
    for case, servers in CASES.items():
        lines = " ".join(server_line(s, ports) for s in servers)
        blocks.append(f"  upstream {case} {{ ip_hash; {lines} }}")
    return blocks


def locations():
    """A location per case, passing to its upstream: the body of the front server."""
    return "\n".join(f"    location /{case} {{ proxy_pass http://{case}; }}" for case in CASES)

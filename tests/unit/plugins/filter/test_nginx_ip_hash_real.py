# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""nginx_ip_hash against the real nginx: every prediction must equal the backend nginx chose.

Clients are 127.A.B.1 (Linux loopback accepts any 127/8 source), one per /24. All traffic stays on loopback.
"""

from __future__ import annotations

import pytest
from _ip_hash_cases import CASES, SERVERS, client_addresses, http_blocks, locations
from ansible_collections.sessionlab.tomcat_ha.plugins.filter.nginx_ip_hash import nginx_ip_hash

from lab.loopback import Nginx, free_port, http_get

# Every test here runs nginx: make unit-nginx.
pytestmark = pytest.mark.nginx

CLIENTS_PER_CASE = 240


@pytest.fixture(scope="module")
def nginx(nginx_binary):
    ports = {name: free_port() for name in SERVERS}
    front = free_port()
    mapped = free_port()
    blocks = http_blocks(ports)
    locations_text = locations()
    blocks.append(f"  server {{\n    listen 127.0.0.1:{front};\n{locations_text}\n  }}")
    # An IPv6 socket bound to the IPv4-mapped loopback: nginx then sees clients as ::ffff:127.A.B.1.
    blocks.append(f"  server {{\n    listen [::ffff:127.0.0.1]:{mapped} ipv6only=off;\n{locations_text}\n  }}")
    with Nginx("\n".join(blocks), binary=nginx_binary) as server:
        server.wait(front, mapped, *ports.values())
        yield {"front": front, "mapped": mapped, "nginx": server}


def _chosen(port, case, source):
    status, body = http_get("127.0.0.1", port, f"/{case}", source=source)
    assert status == 200, f"nginx answered {status} for {source}"
    return body.strip()


@pytest.mark.parametrize("case", sorted(CASES))
def test_prediction_matches_nginx(nginx, case):
    clients = client_addresses(CLIENTS_PER_CASE, seed=case)
    mismatches = []
    chosen = set()
    for client in clients:
        predicted = nginx_ip_hash(client, CASES[case])
        assert predicted["fallback"] is None
        actual = _chosen(nginx["front"], case, client)
        chosen.add(actual)
        if predicted["server"] != actual:
            mismatches.append((client, predicted["server"], actual))
    assert not mismatches, f"{len(mismatches)} of {len(clients)} mispredicted, e.g. {mismatches[:5]}"
    expected_servers = {
        s if isinstance(s, str) else s["name"] for s in CASES[case] if not (isinstance(s, dict) and s.get("down"))
    }
    assert chosen == expected_servers  # every up server was hit, the down one never


def test_last_octet_does_not_matter(nginx):
    for a, b in ((7, 9), (200, 1)):
        answers = {_chosen(nginx["front"], "weights", f"127.{a}.{b}.{last}") for last in (1, 77, 254)}
        assert len(answers) == 1


@pytest.mark.parametrize("case", sorted(CASES))
def test_ipv4_mapped_clients_hash_all_16_bytes(nginx, case):
    clients = client_addresses(CLIENTS_PER_CASE, seed=f"mapped-{case}")
    mismatches = []
    differs_from_ipv4 = 0
    for client in clients:
        predicted = nginx_ip_hash(f"::ffff:{client}", CASES[case])
        actual = _chosen(nginx["mapped"], case, client)
        if predicted["server"] != actual:
            mismatches.append((client, predicted["server"], actual))
        if nginx_ip_hash(client, CASES[case])["server"] != actual:
            differs_from_ipv4 += 1
    assert not mismatches, f"{len(mismatches)} of {len(clients)} mispredicted, e.g. {mismatches[:5]}"
    assert differs_from_ipv4 > 0  # proves nginx did not hash these as 3-byte IPv4 keys

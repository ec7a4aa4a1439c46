# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from collections import Counter

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.sessionlab.tomcat_ha.plugins.filter.nginx_ip_hash import FilterModule, nginx_ip_hash


def test_hand_computed_example():
    # hash=89; (89*113+1)%6271=3787; (3787*113+2)%6271=1505; (1505*113+3)%6271=751; 751%2=1
    result = nginx_ip_hash("1.2.3.4", ["a", "b"])
    assert result == {"server": "b", "index": 1, "tries": 1, "fallback": None, "key": [1, 2, 3]}
    # 751 % 3 = 1 -> w=1: skip a (weight 1), land on b; with weights [2,1] w=1 < 2 -> a
    assert nginx_ip_hash("1.2.3.4", ["a", "b", "c"])["server"] == "b"
    assert nginx_ip_hash("1.2.3.4", [{"name": "a", "weight": 2}, "b"])["server"] == "a"


def test_last_ipv4_octet_is_ignored():
    servers = ["a", "b", "c"]
    assert len({nginx_ip_hash(f"10.20.30.{last}", servers)["server"] for last in range(256)}) == 1


def test_ipv6_uses_all_16_bytes_and_mapped_ipv4_is_ipv6():
    assert nginx_ip_hash("2001:db8::1", ["a", "b"])["key"] == [0x20, 0x01, 0x0D, 0xB8] + [0] * 11 + [1]
    assert len(nginx_ip_hash("::ffff:1.2.3.4", ["a", "b"])["key"]) == 16
    assert nginx_ip_hash("[::1]", ["a", "b"])["key"][-1] == 1


def test_unix_socket_client_hashes_three_zero_bytes():
    assert nginx_ip_hash("unix:", ["a", "b"])["key"] == [0, 0, 0]


def test_weights_shape_the_distribution():
    servers = [{"name": "a", "weight": 3}, {"name": "b", "weight": 1}]
    picks = Counter(nginx_ip_hash(f"10.{i // 256}.{i % 256}.1", servers)["server"] for i in range(4000))
    assert 2.5 < picks["a"] / picks["b"] < 3.5


def test_down_server_is_never_chosen_and_costs_tries():
    servers = ["a", {"name": "b", "down": True}, "c"]
    results = [nginx_ip_hash(f"10.0.{i}.1", servers) for i in range(256)]
    assert all(r["server"] in ("a", "c") for r in results)
    assert any(r["tries"] > 1 for r in results)
    # the same client without the down server's weight would hash differently: down peers stay in total_weight
    assert any(r["server"] != nginx_ip_hash(f"10.0.{i}.1", ["a", "c"])["server"] for i, r in enumerate(results))


def test_all_down_falls_back_after_20_retries():
    result = nginx_ip_hash("10.0.0.1", [{"name": "a", "down": True}, {"name": "b", "down": "yes"}])
    assert result == {"server": None, "index": None, "tries": 21, "fallback": "round_robin", "key": [10, 0, 0]}


def test_single_server_uses_round_robin():
    assert nginx_ip_hash("10.0.0.1", ["only"]) == {
        "server": "only",
        "index": 0,
        "tries": 0,
        "fallback": "round_robin",
        "key": [10, 0, 0],
    }
    assert nginx_ip_hash("10.0.0.1", [{"name": "only", "down": True}])["server"] is None


def test_filter_mapping():
    assert FilterModule().filters() == {"nginx_ip_hash": nginx_ip_hash}


@pytest.mark.parametrize(
    ("client", "servers", "fragment"),
    [
        ("10.0.0.300", ["a"], "cannot parse client address '10.0.0.300'"),
        ("backend1", ["a"], "'backend1'"),
        (None, ["a"], "got None"),
        (167772161, ["a"], "got 167772161"),
        ("10.0.0.1", [], "servers is empty"),
        ("10.0.0.1", "a", "servers must be a list"),
        ("10.0.0.1", {"name": "a"}, "servers must be a list"),
        ("10.0.0.1", ["a", "a"], "duplicate server name 'a'"),
        ("10.0.0.1", ["a", {"name": "a", "weight": 2}], "duplicate server name 'a'"),
        ("10.0.0.1", [{"name": "a", "weight": 0}], "weight of 'a' must be between 1 and 1000, got 0"),
        ("10.0.0.1", [{"name": "a", "weight": "3"}], "got '3'"),
        ("10.0.0.1", [{"name": "a", "weight": True}], "got True"),
        ("10.0.0.1", [{"name": "a", "down": "maybe"}], "down of 'a' must be a boolean, got 'maybe'"),
        ("10.0.0.1", [{"weight": 1}], "server name must be a non-empty string without spaces or ';', got None"),
        ("10.0.0.1", [{"name": "a", "backup": True}], "unknown server keys ['backup']"),
        ("10.0.0.1", [5], "a server must be a name or a dict, got 5"),
    ],
)
def test_errors(client, servers, fragment):
    with pytest.raises(AnsibleFilterError) as err:
        nginx_ip_hash(client, servers)
    assert str(err.value).startswith("nginx_ip_hash: ")
    assert fragment in str(err.value)


def test_parse_error_is_chained():
    with pytest.raises(AnsibleFilterError) as err:
        nginx_ip_hash("nope", ["a"])
    assert isinstance(err.value.__cause__, ValueError)


def test_accepts_balancer_members_output():
    members = [
        {
            "host": "backend1.qyh.com",
            "address": "backend1.qyh.com",
            "port": 8080,
            "route": "tomcat1",
            "weight": 3,
            "down": False,
            "backup": False,
        },
        {
            "host": "backend2.qyh.com",
            "address": "backend2.qyh.com",
            "port": 8080,
            "route": "tomcat2",
            "weight": 1,
            "down": False,
            "backup": False,
        },
    ]
    plain = [{"name": "backend1.qyh.com", "weight": 3}, {"name": "backend2.qyh.com", "weight": 1}]
    for client in ("10.1.2.3", "172.23.0.5", "192.168.200.7"):
        assert nginx_ip_hash(client, members) == nginx_ip_hash(client, plain)


def test_refuses_a_backup_member():
    members = [{"host": "a", "backup": False}, {"host": "b", "backup": True}]
    with pytest.raises(AnsibleFilterError, match="nginx_ip_hash: member 'b' is a backup"):
        nginx_ip_hash("10.0.0.1", members)

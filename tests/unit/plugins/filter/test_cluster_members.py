# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import hashlib
import re

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.sessionlab.tomcat_ha.plugins.filter.cluster_members import (
    FilterModule,
    cluster_members,
    static_member_unique_id,
)

FACTS = {
    "b1": {"ansible_default_ipv4": {"address": "172.18.0.3"}},
    "b2": {"ansible_default_ipv4": {"address": "172.18.0.4"}, "tomcat_cluster_receiver_port": 4100},
}


def java_byte_array_from_string(value):
    """Tomcat's org.apache.catalina.tribes.util.Arrays.fromString: tokens of '{,}', each Byte.parseByte."""
    assert value.startswith("{")
    result = []
    for token in re.split(r"[{,}]", value):
        if token == "":
            continue
        assert re.fullmatch(r"[+-]?[0-9]+", token), f"Byte.parseByte rejects {token!r}"
        number = int(token)
        assert -128 <= number <= 127, f"Byte.parseByte rejects {number}"
        result.append(number)
    return result


def test_members_from_facts_and_vars():
    members = cluster_members(["b1", "b2"], FACTS)
    assert [(m["host"], m["address"], m["port"], m["route"]) for m in members] == [
        ("b1", "172.18.0.3", 4000, "tomcat1"),
        ("b2", "172.18.0.4", 4100, "tomcat2"),
    ]


def test_explicit_address_wins_over_facts_and_default_port():
    hostvars = {"b1": dict(FACTS["b1"], tomcat_cluster_address="10.1.0.1"), "b2": {"tomcat_cluster_address": "fd00::2"}}
    members = cluster_members(["b1", "b2"], hostvars, default_port=4444)
    assert [(m["address"], m["port"]) for m in members] == [("10.1.0.1", 4444), ("fd00::2", 4444)]


def test_unique_id_is_md5_of_hostname_as_signed_bytes():
    unique_id = static_member_unique_id("backend1")
    values = java_byte_array_from_string(unique_id)
    assert len(values) == 16
    assert bytes(v & 0xFF for v in values) == hashlib.md5(b"backend1").digest()
    assert " " not in unique_id
    assert unique_id == "{92,30,-47,-21,58,-62,88,4,-60,-37,-103,-97,-73,-83,-83,76}"
    members = cluster_members(["b1", "b2"], FACTS)
    assert members[0]["unique_id"] == static_member_unique_id("b1")
    assert members[0]["unique_id"] != members[1]["unique_id"]


def test_same_address_different_ports_is_fine():
    hostvars = {
        "b1": {"tomcat_cluster_address": "10.0.0.1"},
        "b2": {"tomcat_cluster_address": "10.0.0.1", "tomcat_cluster_receiver_port": 4001},
    }
    assert len(cluster_members(["b1", "b2"], hostvars)) == 2


def test_filter_mapping():
    assert FilterModule().filters() == {"cluster_members": cluster_members}


@pytest.mark.parametrize(
    ("backends", "hostvars", "fragment"),
    [
        (["b1"], FACTS, "a cluster needs at least two backends"),
        ([], FACTS, "a cluster needs at least two backends"),
        ("b1", FACTS, "'b1'"),
        (
            ["b1", "b2"],
            {"b1": {}, "b2": FACTS["b2"]},
            "gather facts (ansible_default_ipv4) or set tomcat_cluster_address",
        ),
        (["b1", "b2"], {"b1": {"tomcat_cluster_address": "auto"}, "b2": FACTS["b2"]}, "'auto'"),
        (["b1", "b2"], {"b1": {"tomcat_cluster_address": "127.0.1.1"}, "b2": FACTS["b2"]}, "'127.0.1.1'"),
        (["b1", "b2"], {"b1": {"tomcat_cluster_address": "::1"}, "b2": FACTS["b2"]}, "'::1'"),
        (["b1", "b2"], {"b1": {"tomcat_cluster_address": "0.0.0.0"}, "b2": FACTS["b2"]}, "'0.0.0.0'"),
        (
            ["b1", "b2"],
            {"b1": {"tomcat_cluster_address": "backend1.lan"}, "b2": FACTS["b2"]},
            "must be an IP address, got 'backend1.lan'",
        ),
        (["b1", "b2"], {"b1": {"tomcat_cluster_address": 167772161}, "b2": FACTS["b2"]}, "167772161"),
        (
            ["b1", "b2"],
            {"b1": {"ansible_default_ipv4": {"address": "127.0.0.1"}}, "b2": FACTS["b2"]},
            "ansible_default_ipv4.address of 'b1'",
        ),
        (
            ["b1", "b2"],
            {"b1": FACTS["b1"], "b2": {"tomcat_cluster_address": "172.18.0.3"}},
            "share the cluster address 172.18.0.3:4000",
        ),
        (["b1", "b2"], {"b1": FACTS["b1"], "b2": dict(FACTS["b2"], tomcat_cluster_receiver_port=0)}, "got 0"),
        (["b1", "b2"], {"b1": FACTS["b1"], "b2": dict(FACTS["b2"], tomcat_cluster_receiver_port="²")}, "got '²'"),
        # A zone ID reaches server.xml as it is, quotes and angle brackets included.
        (["b1", "b2"], {"b1": {"tomcat_cluster_address": "fe80::1%<x>"}, "b2": FACTS["b2"]}, "with a zone ID"),
        (["b1", "b2"], {"b1": {"tomcat_cluster_address": 'fd00::1%a"b'}, "b2": FACTS["b2"]}, "with a zone ID"),
        (["b1", "b2"], {"b1": FACTS["b1"]}, "host 'b2' is not in hostvars"),
        (
            ["b1", "b2"],
            {"b1": FACTS["b1"], "b2": dict(FACTS["b2"], tomcat_jvm_route="tomcat1")},
            "duplicate route 'tomcat1'",
        ),
    ],
)
def test_errors(backends, hostvars, fragment):
    with pytest.raises(AnsibleFilterError) as err:
        cluster_members(backends, hostvars)
    assert str(err.value).startswith("cluster_members: ")
    assert fragment in str(err.value)


def test_routes_argument_is_checked():
    with pytest.raises(AnsibleFilterError, match="cluster_members: routes has no route for backend 'b2'"):
        cluster_members(["b1", "b2"], FACTS, routes={"b1": "x"})
    members = cluster_members(["b1", "b2"], FACTS, routes={"b1": "x", "b2": "y"})
    assert [m["route"] for m in members] == ["x", "y"]

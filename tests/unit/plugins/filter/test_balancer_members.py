# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.sessionlab.tomcat_ha.plugins.filter.balancer_members import FilterModule, balancer_members


def test_defaults():
    assert balancer_members(["b1", "b2"], {"b1": {}, "b2": {}}) == [
        {"host": "b1", "address": "b1", "port": 8080, "route": "tomcat1", "weight": 1, "down": False, "backup": False},
        {"host": "b2", "address": "b2", "port": 8080, "route": "tomcat2", "weight": 1, "down": False, "backup": False},
    ]


def test_host_variables_and_routes():
    hostvars = {
        "b1": {
            "balancer_member_address": "10.0.0.1",
            "tomcat_http_port": 8081,
            "balancer_member_weight": 3,
            "balancer_member_down": "yes",
            "tomcat_jvm_route": "ignored_when_routes_given",
        },
        "b2": {"tomcat_http_port": "9090", "balancer_member_backup": True, "balancer_member_address": None},
    }
    members = balancer_members(["b1", "b2"], hostvars, routes={"b1": "r1", "b2": "r2"}, default_port=8000)
    assert members == [
        {"host": "b1", "address": "10.0.0.1", "port": 8081, "route": "r1", "weight": 3, "down": True, "backup": False},
        {"host": "b2", "address": "b2", "port": 9090, "route": "r2", "weight": 1, "down": False, "backup": True},
    ]


def test_routes_from_jvm_routes_overrides():
    members = balancer_members(["b1", "b2"], {"b1": {"tomcat_jvm_route": "blue"}, "b2": {}})
    assert [m["route"] for m in members] == ["blue", "tomcat2"]


def test_default_port_used():
    assert balancer_members(["b1"], {"b1": {}}, default_port=8443)[0]["port"] == 8443


def test_filter_mapping():
    assert FilterModule().filters() == {"balancer_members": balancer_members}


@pytest.mark.parametrize(
    ("backends", "hostvars", "kwargs", "fragment"),
    [
        ("b1", {}, {}, "'b1'"),
        (["b1", "b1"], {"b1": {}}, {}, "duplicate backend hostname 'b1'"),
        (["b1"], None, {}, "hostvars must be a mapping"),
        (["b1"], {}, {}, "host 'b1' is not in hostvars"),
        (["b1"], {"b1": {"tomcat_http_port": 0}}, {}, "tomcat_http_port of 'b1' must be between 1 and 65535, got 0"),
        (["b1"], {"b1": {"tomcat_http_port": 65536}}, {}, "got 65536"),
        (["b1"], {"b1": {"tomcat_http_port": "http"}}, {}, "must be an integer, got 'http'"),
        (["b1"], {"b1": {"tomcat_http_port": True}}, {}, "must be an integer, got True"),
        (["b1"], {"b1": {"balancer_member_weight": 0}}, {}, "balancer_member_weight of 'b1' must be between 1 and 100"),
        (["b1"], {"b1": {"balancer_member_weight": 101}}, {}, "got 101"),
        (["b1"], {"b1": {"balancer_member_weight": 1.5}}, {}, "got 1.5"),
        (
            ["b1"],
            {"b1": {"balancer_member_down": "maybe"}},
            {},
            "balancer_member_down of 'b1' must be a boolean, got 'maybe'",
        ),
        (["b1"], {"b1": {"balancer_member_backup": 2}}, {}, "balancer_member_backup of 'b1' must be a boolean, got 2"),
        # Digits of other scripts are no port (int() would take some, and raise on '²'), and neither are spaces.
        (["b1"], {"b1": {"tomcat_http_port": "²"}}, {}, "tomcat_http_port of 'b1' must be an integer, got '²'"),
        (["b1"], {"b1": {"tomcat_http_port": "٨٠٨٠"}}, {}, "must be an integer, got '٨٠٨٠'"),
        (["b1"], {"b1": {"tomcat_http_port": " 8080"}}, {}, "must be an integer, got ' 8080'"),
        # y and t: the argument spec reads them as true, Ansible's bool filter as false.
        (["b1"], {"b1": {"balancer_member_backup": "y"}}, {}, "balancer_member_backup of 'b1' must be a boolean"),
        (["b1"], {"b1": {"balancer_member_address": "a b"}}, {}, "'a b'"),
        (["b1"], {"b1": {"balancer_member_address": 10}}, {}, "got 10"),
        (["b1"], {"b1": {"balancer_member_address": "fd00::1"}}, {}, "without brackets: write it as '[fd00::1]'"),
        (["b1"], {"b1": {"balancer_member_address": "10.0.0.1;"}}, {}, "got '10.0.0.1;'"),
        (["b1"], {"b1": {"balancer_member_address": "b1 } server evil"}}, {}, "would break the configuration"),
        (["b1"], {"b1": {"balancer_member_address": "b1\n"}}, {}, "got 'b1\\n'"),
        (["b1"], {"b1": {"balancer_member_address": "[not-v6]"}}, {}, "got '[not-v6]'"),
        (["b1"], {"b1": {"balancer_member_address": '"b1"'}}, {}, "IPv6 address in brackets"),
        (
            ["b1", "b2"],
            {"b1": {"balancer_member_address": "10.0.0.1"}, "b2": {"balancer_member_address": "10.0.0.1"}},
            {},
            "'b2' and 'b1' are both 10.0.0.1:8080",
        ),
        (
            ["b1", "b2"],
            {"b1": {"balancer_member_down": True}, "b2": {"balancer_member_down": "yes"}},
            {},
            "every member is down (b1, b2)",
        ),
        (["b1"], {"b1": {}}, {"routes": ["tomcat1"]}, "routes must be a mapping"),
        (["b1"], {"b1": {}}, {"routes": {}}, "routes has no route for backend 'b1'"),
        (["b1"], {"b1": {}}, {"routes": {"b1": ""}}, "route of 'b1' is empty"),
        (["b1"], {"b1": {}}, {"routes": {"b1": "a.b"}}, "'a.b'"),
        (["b1", "b2"], {"b1": {}, "b2": {}}, {"routes": {"b1": "x", "b2": "x"}}, "duplicate route 'x'"),
        (["b1"], {"b1": {}}, {"default_port": 70000}, "default_port"),
    ],
)
def test_errors(backends, hostvars, kwargs, fragment):
    with pytest.raises(AnsibleFilterError) as err:
        balancer_members(backends, hostvars, **kwargs)
    assert str(err.value).startswith("balancer_members: ")
    assert fragment in str(err.value)


@pytest.mark.parametrize("address", ["backend1", "backend1.qyh.com", "10.0.0.1", "[fd00::1]", "[::ffff:10.0.0.1]"])
def test_addresses_that_render_as_address_colon_port(address):
    (member,) = balancer_members(["b1"], {"b1": {"balancer_member_address": address}})
    assert member["address"] == address


def test_one_member_down_is_fine_and_the_same_address_on_two_ports_too():
    hostvars = {
        "b1": {"balancer_member_address": "10.0.0.1", "balancer_member_down": True},
        "b2": {"balancer_member_address": "10.0.0.1", "tomcat_http_port": 8081},
    }
    assert [m["down"] for m in balancer_members(["b1", "b2"], hostvars)] == [True, False]

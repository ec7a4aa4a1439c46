# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.sessionlab.tomcat_ha.plugins.filter.jvm_routes import FilterModule, jvm_routes


def test_default_routes_follow_group_order():
    assert jvm_routes(["b2", "b1", "b3"]) == {"b2": "tomcat1", "b1": "tomcat2", "b3": "tomcat3"}


def test_prefix_and_empty_list():
    assert jvm_routes(["a", "b"], prefix="node-") == {"a": "node-1", "b": "node-2"}
    assert jvm_routes([]) == {}


def test_override_wins_and_empty_override_is_ignored():
    hostvars = {"a": {"tomcat_jvm_route": "blue"}, "b": {"tomcat_jvm_route": ""}, "c": {"tomcat_jvm_route": None}}
    assert jvm_routes(["a", "b", "c"], hostvars) == {"a": "blue", "b": "tomcat2", "c": "tomcat3"}


def test_custom_override_var_and_host_missing_from_hostvars():
    assert jvm_routes(["a", "b"], {"a": {"route": "x_1"}}, override_var="route") == {"a": "x_1", "b": "tomcat2"}


def test_filter_mapping():
    assert FilterModule().filters() == {"jvm_routes": jvm_routes}


@pytest.mark.parametrize(
    ("backends", "hostvars", "kwargs", "fragment"),
    [
        ("backend1", None, {}, "'backend1'"),
        (None, None, {}, "None"),
        (["a", 3], None, {}, "3"),
        (["a", ""], None, {}, "''"),
        (["a", "a"], None, {}, "duplicate backend hostname 'a'"),
        (["a", "b"], {"a": {"tomcat_jvm_route": "tomcat2"}}, {}, "duplicate route 'tomcat2'"),
        (["a"], {"a": {"tomcat_jvm_route": "tomcat.1"}}, {}, "'tomcat.1'"),
        (["a"], {"a": {"tomcat_jvm_route": "t 1"}}, {}, "'t 1'"),
        (["a"], {"a": {"tomcat_jvm_route": "t;1"}}, {}, "'t;1'"),
        (["a"], {"a": {"tomcat_jvm_route": "t,1"}}, {}, "'t,1'"),
        (["a"], {"a": {"tomcat_jvm_route": 7}}, {}, "7"),
        (["a"], ["a"], {}, "['a']"),
        (["a"], {"a": "notamapping"}, {}, "hostvars['a'] is not a mapping"),
        (["a"], None, {"prefix": "tom.cat"}, "'tom.cat1'"),
        (["a"], None, {"prefix": 5}, "prefix must be a string, got 5"),
        (["a"], None, {"override_var": ""}, "override_var"),
    ],
)
def test_errors_name_the_filter_and_value(backends, hostvars, kwargs, fragment):
    with pytest.raises(AnsibleFilterError) as err:
        jvm_routes(backends, hostvars, **kwargs)
    assert str(err.value).startswith("jvm_routes: ")
    assert fragment in str(err.value)

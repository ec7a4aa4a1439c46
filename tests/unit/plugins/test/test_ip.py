# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ip_address, ip_network and regex tests: what a configuration file can take there, never an error."""

from __future__ import annotations

import pytest
from ansible_collections.sessionlab.tomcat_ha.plugins.test import ip as ip_plugin
from ansible_collections.sessionlab.tomcat_ha.plugins.test.ip import ip_address, ip_network
from ansible_collections.sessionlab.tomcat_ha.plugins.test.regex import regex


@pytest.mark.parametrize("value", ["10.0.0.1", "0.0.0.0", "fd00::1", "::", "::ffff:10.0.0.1", "fe80::1"])
def test_addresses(value):
    assert ip_address(value)
    assert ip_network(value)


@pytest.mark.parametrize(
    "value",
    ["999.1.1.1", "10.0.0", "[fd00::1]", "fe80::1%eth0", 'fe80::1%a"b', " 10.0.0.1", "10.0.0.1\n", "10.0.0.1/32",
     "backend1", "", None, 167772161, ["10.0.0.1"], "010.0.0.1"],
)  # fmt: skip
def test_what_is_no_address(value):
    assert not ip_address(value)


@pytest.mark.parametrize("value", ["10.0.8.0/24", "fd00::/64", "0.0.0.0/0", "::/0", "10.0.0.5/32"])
def test_networks(value):
    assert ip_network(value)


@pytest.mark.parametrize("value", ["10.0.0.0/33", "fd00::/129", "10.0.0.5/24", ":::::", "10.0.0.0/8 ", "a/8", None])
def test_what_is_no_network(value):
    assert not ip_network(value)


@pytest.mark.parametrize("value", ["\\.(jsp|do)$", "(?<page>[a-z]+)\\.jsp$", "^/api/", "x"])
def test_regular_expressions(value):
    assert regex(value)


@pytest.mark.parametrize("value", ["\\.(jsp$", "*x", "[a-", None, 5])
def test_what_does_not_compile(value):
    assert not regex(value)


def test_the_plugin_offers_both_tests():
    assert set(ip_plugin.TestModule().tests()) == {"ip_address", "ip_network"}

# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.sessionlab.tomcat_ha.plugins.filter.duration_seconds import FilterModule, duration_seconds


@pytest.mark.parametrize(
    ("value", "dialect", "seconds"),
    [
        ("60s", "nginx", 60),
        ("60", "nginx", 60),
        (60, "nginx", 60),
        ("500ms", "nginx", 0.5),
        ("1m30s", "nginx", 90),
        ("1h 30m", "nginx", 5400),
        ("1d", "nginx", 86400),
        ("1M", "nginx", 2592000),
        ("1500ms", "haproxy", 1.5),
        ("1500", "haproxy", 1.5),
        ("30s", "haproxy", 30),
        ("2m", "haproxy", 120),
        ("250000us", "haproxy", 0.25),
        ("10", "httpd", 10),
        (10, "httpd", 10),
    ],
)
def test_reads_each_dialect(value, dialect, seconds):
    assert duration_seconds(value, dialect) == pytest.approx(seconds)


@pytest.mark.parametrize(
    ("value", "dialect", "message"),
    [
        ("2 s", "nginx", "'2 s' is not a nginx time: use such as 1500ms, 30s or 1m30s."),
        ("10x", "nginx", "'10x' is not a nginx time"),
        ("30s1m", "nginx", "units from the largest down"),
        ("", "nginx", "'' is not a nginx time"),
        ("-1s", "nginx", "'-1s' is not a nginx time"),
        ("1M", "haproxy", "'1M' is not a haproxy time"),
        ("1m30s", "haproxy", "one number and unit"),
        ("1.5s", "haproxy", "'1.5s' is not a haproxy time"),
        ("2s", "httpd", "'2s' is not a httpd time: use a whole number of seconds, such as 10."),
        (None, "nginx", "None is not a nginx time: use a string or a whole number."),
        (True, "httpd", "True is not a httpd time"),
    ],
)
def test_refuses_what_the_server_would_not_read(value, dialect, message):
    with pytest.raises(AnsibleFilterError, match="^duration_seconds: ") as err:
        duration_seconds(value, dialect)
    assert message in str(err.value)


def test_invalid_is_returned_instead_of_an_error_when_given():
    assert duration_seconds("10x", "nginx", invalid=None) is None
    assert duration_seconds("2s", "httpd", invalid="none") == "none"
    assert duration_seconds("30s", "haproxy", invalid=None) == 30
    with pytest.raises(AnsibleFilterError, match="the dialect must be"):
        duration_seconds("10", "apache", invalid=None)


def test_refuses_an_unknown_dialect():
    with pytest.raises(AnsibleFilterError, match=r"the dialect must be nginx, haproxy or httpd \(got 'apache'\)"):
        duration_seconds("10", "apache")


def test_filter_mapping():
    assert FilterModule().filters() == {"duration_seconds": duration_seconds}

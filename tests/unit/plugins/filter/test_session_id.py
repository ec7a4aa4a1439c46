# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.sessionlab.tomcat_ha.plugins.filter.session_id import (
    FilterModule,
    session_id_base,
    session_route,
)


@pytest.mark.parametrize(
    ("value", "base", "route"),
    [
        ("ABC.tomcat1", "ABC", "tomcat1"),
        ("ABC", "ABC", ""),
        ("ABC.tomcat1.extra", "ABC", "tomcat1.extra"),  # split at the FIRST dot, like Tomcat and httpd
        ("ABC.", "ABC", ""),
        ("", "", ""),
    ],
)
def test_split_at_first_dot(value, base, route):
    assert session_id_base(value) == base
    assert session_route(value) == route


@pytest.mark.parametrize("value", [None, 42, ["ABC.tomcat1"], b"ABC.tomcat1"])
@pytest.mark.parametrize("func", [session_id_base, session_route])
def test_non_string_is_an_error(func, value):
    with pytest.raises(AnsibleFilterError) as err:
        func(value)
    assert str(err.value).startswith(f"{func.__name__}: ")
    assert repr(value) in str(err.value)


def test_filter_mapping():
    assert FilterModule().filters() == {"session_id_base": session_id_base, "session_route": session_route}

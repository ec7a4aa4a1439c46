# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""session_id_base and session_route filters; their docs are session_id_base.yml and session_route.yml."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError
from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils._session_page import split_session_id


def _split(filter_name, value):
    if not isinstance(value, str):
        raise AnsibleFilterError(f"{filter_name}: expects a session ID string, got {value!r}")
    return split_session_id(value)


def session_id_base(value):
    """Session ID up to the first '.' ('ABC.tomcat1' -> 'ABC')."""
    return _split("session_id_base", value)[0]


def session_route(value):
    """Text after the first '.' of a session ID, '' without a route ('ABC.tomcat1' -> 'tomcat1')."""
    return _split("session_route", value)[1]


class FilterModule:
    def filters(self):
        return {"session_id_base": session_id_base, "session_route": session_route}

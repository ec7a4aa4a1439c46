# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: regex
short_description: Whether a value is a regular expression a server can compile
version_added: 1.0.0
author: sessionlab maintainers (@sessionlab)
description:
  - True for a string that compiles as a regular expression, so that a setting such as nginx's location pattern is
    refused before a run changes anything rather than by the server's own test after it.
  - Compiled with Python's C(re), which reads what PCRE (nginx, HAProxy, httpd) reads in the patterns a location or
    a filter takes; PCRE's named groups C((?<name>...)) are read as Python's C((?P<name>...)).
  - False for anything else, never an error - a string that does not compile (an unbalanced parenthesis, a
    quantifier with nothing before it), and a value that is not a string.
options:
  _input:
    description: The value to test.
    type: raw
    required: true
"""

EXAMPLES = r"""
- name: Refuse a location pattern nginx could not compile
  ansible.builtin.assert:
    that: nginx_balancer_location_pattern is sessionlab.tomcat_ha.regex
"""

RETURN = r"""
_value:
  description: Whether the value compiles as a regular expression.
  type: boolean
"""

import re

_PCRE_NAMED_GROUP = re.compile(r"\(\?<(?=[A-Za-z_])")


def regex(value):
    """Whether value compiles as a regular expression (PCRE's named groups included)."""
    if not isinstance(value, str):
        return False
    try:
        re.compile(_PCRE_NAMED_GROUP.sub("(?P<", value))
    except re.error:
        return False
    return True


class TestModule:
    def tests(self):
        return {"regex": regex}

# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Ansible layout: DOCUMENTATION, EXAMPLES and RETURN come before the imports.
# ruff: noqa: E402

from __future__ import annotations

DOCUMENTATION = r"""
name: duration_seconds
short_description: Read a balancer's time setting as seconds
version_added: 1.0.0
author: sessionlab maintainers (@sessionlab)
positional: _input, dialect
description:
  - Returns a time setting of nginx, HAProxy or Apache httpd as a number of seconds, so that settings of
    different servers can be compared, such as a balancer's answer timeout with how long a Tomcat cluster
    may hold an answer.
  - V(nginx) reads nginx's time syntax (U(https://nginx.org/en/docs/syntax.html)), a number with an optional
    unit C(ms), C(s), C(m), C(h), C(d), C(w), C(M) (30 days) or C(y) (365 days), several of them from the
    largest unit down (C(1m30s), C(1h 30m)); a number alone is seconds.
  - V(haproxy) reads HAProxy's, a number with an optional unit C(us), C(ms), C(s), C(m), C(h) or C(d); a
    number alone is milliseconds.
  - V(httpd) reads a whole number of seconds, as the C(timeout) of a C(BalancerMember).
options:
  _input:
    description: The setting, as written in the server's configuration.
    type: raw
    required: true
  dialect:
    description: Whose syntax O(_input) follows.
    type: str
    choices: [nginx, haproxy, httpd]
    required: true
  invalid:
    description:
      - Returned instead of an error when O(_input) is not a time of O(dialect), for a caller that leaves such a
        value to the server's own check. Unset, such a value is an error.
    type: raw
notes:
  - A value the server would not read (unless O(invalid) is given), or an unknown dialect, is an error that names
    the filter and the value.
"""

EXAMPLES = r"""
- name: nginx's read timeout in seconds
  ansible.builtin.debug:
    msg: "{{ '1m30s' | sessionlab.tomcat_ha.duration_seconds('nginx') }}"
  # 90.0

- name: HAProxy's server timeout in seconds (a bare number is milliseconds)
  ansible.builtin.debug:
    msg: "{{ '1500' | sessionlab.tomcat_ha.duration_seconds('haproxy') }}"
  # 1.5
"""

RETURN = r"""
_value:
  description: The time in seconds.
  type: float
  sample: 1.5
"""

import re

from ansible.errors import AnsibleFilterError

_UNITS = {
    "nginx": {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "M": 2592000, "y": 31536000},
    "haproxy": {"us": 0.000001, "ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400},
}
_DEFAULT_UNIT = {"nginx": "s", "haproxy": "ms"}
_PART = re.compile(r"([0-9]+)(ms|us|[a-zA-Z]?)\s*")


_RAISE = object()


class _NotATime(Exception):
    pass


def _fail(value, dialect, expected):
    raise _NotATime(f"duration_seconds: {value!r} is not a {dialect} time: use {expected}.")


def duration_seconds(value, dialect, invalid=_RAISE):
    """The time setting value, in the syntax of dialect (nginx, haproxy or httpd), as seconds; invalid, when
    given, is returned for a value that is not such a time."""
    if dialect not in ("nginx", "haproxy", "httpd"):
        raise AnsibleFilterError(f"duration_seconds: the dialect must be nginx, haproxy or httpd (got {dialect!r}).")
    try:
        return _seconds(value, dialect)
    except _NotATime as err:
        if invalid is _RAISE:
            raise AnsibleFilterError(str(err)) from None
        return invalid


def _seconds(value, dialect):
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        _fail(value, dialect, "a string or a whole number")
    text = str(value).strip()
    if dialect == "httpd":
        if not re.fullmatch(r"[0-9]+", text):
            _fail(value, dialect, "a whole number of seconds, such as 10")
        return float(text)
    expected = "such as 1500ms, 30s or 1m30s" if dialect == "nginx" else "such as 1500ms or 30s"
    units = _UNITS[dialect]
    parts = _PART.findall(text)
    if not text or "".join(n + u for n, u in parts) != re.sub(r"\s+", "", text):
        _fail(value, dialect, expected)
    if dialect == "haproxy" and len(parts) > 1:
        _fail(value, dialect, "one number and unit, " + expected)
    seconds, previous = 0.0, None
    for number, unit in parts:
        unit = unit or _DEFAULT_UNIT[dialect]
        if unit not in units:
            _fail(value, dialect, expected)
        # nginx takes several units only from the largest down, each once.
        if previous is not None and units[unit] >= previous:
            _fail(value, dialect, "units from the largest down, " + expected)
        previous = units[unit]
        seconds += int(number) * units[unit]
    return seconds


class FilterModule:
    def filters(self):
        return {"duration_seconds": duration_seconds}

# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Strict types: a value is taken only when the argument spec and the role read it the same way."""

from __future__ import annotations

import pytest
from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._settings import (
    shown,
    spec_problems,
    strict_bool,
    strict_float,
    strict_int,
    type_problem,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (False, False), ("yes", True), ("No", False), ("on", True), ("OFF", False), ("1", True),
     ("0", False), (1, True), (0, False), ("true", True), ("False", False)],
)  # fmt: skip
def test_booleans_every_reader_reads_alike(value, expected):
    assert strict_bool(value) is expected
    assert type_problem("bool", value) is None


@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        ("y", "reads as true but Ansible's bool filter as false"),
        ("t", "reads as true but Ansible's bool filter as false"),
        ("yes ", "reads as true but Ansible's bool filter as false"),
        ("n", 'must be true or false (got "n"): write true or false'),
        (2, "must be true or false (got 2)"),
        ("maybe", 'must be true or false (got "maybe")'),
        (None, "must be true or false (got null)"),
        ([True], "must be true or false (got [true])"),
    ],
)
def test_booleans_a_reader_would_misread_are_refused(value, phrase):
    assert strict_bool(value) is None
    assert phrase in type_problem("bool", value)


@pytest.mark.parametrize("value", [8080, "8080", "-1", 0])
def test_whole_numbers(value):
    assert strict_int(value) == int(value)
    assert type_problem("int", value) is None


@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        ("10\n", 'must be a whole number (got "10\\n"): write it as digits alone'),
        ("²", 'must be a whole number (got "²")'),
        (" 80", 'must be a whole number (got " 80")'),
        ("1_000", 'must be a whole number (got "1_000")'),
        (8080.0, "must be a whole number (got 8080.0): write it without a decimal point"),
        (True, "must be a whole number (got true)"),
    ],
)
def test_what_is_no_whole_number(value, phrase):
    assert strict_int(value) is None
    assert type_problem("int", value).startswith(phrase)


@pytest.mark.parametrize(("value", "expected"), [(0.1, 0.1), ("0.5", 0.5), (5, 5.0), ("-1", -1.0)])
def test_numbers(value, expected):
    assert strict_float(value) == expected


@pytest.mark.parametrize("value", ["nan", "inf", float("inf"), "1e3", True, "fast", " 1"])
def test_what_is_no_number(value):
    assert strict_float(value) is None
    assert type_problem("float", value).startswith("must be a number")


def test_lists_strings_and_secrets():
    assert (
        type_problem("list", "manager")
        == 'must be a list (got "manager"): write it as a YAML list, such as ["manager"]'
    )
    assert type_problem("list", {"a": 1}).startswith("must be a list")
    assert type_problem("list", ["a"]) is None
    assert type_problem("str", ["b1"]) == 'must be a string (got ["b1"])'
    assert type_problem("str", True) == "must be a string (got true): quote it"
    assert type_problem("str", 10) is None
    assert type_problem("raw", "anything") is None
    assert type_problem("int", None, nullable=True) is None
    assert "0123" not in type_problem("int", "0123abcd", secret=True)
    assert shown("a\nb") == '"a\\nb"'


OPTIONS = {
    "members": {
        "type": "list",
        "elements": "dict",
        "options": {"port": {"type": "int"}, "down": {"type": "bool"}, "address": {"type": "str"}},
    },
    "names": {"type": "list", "elements": "str"},
    "version": {"type": "int", "default": None},
    "key": {"type": "str", "no_log": True},
    "enabled": {"type": "bool", "default": True},
}


def test_spec_problems_walk_lists_of_dictionaries_and_keep_secrets():
    values = {
        "members": [{"address": "a", "port": 80}, {"address": "b", "port": "80\n", "down": "y"}],
        "names": ["a", ["b"]],
        "version": None,
        "key": ["secret-key"],
        "enabled": "yes",
    }
    problems = dict(spec_problems(OPTIONS, values))
    assert set(problems) == {"members[1].port", "members[1].down", "names[1]", "key"}
    assert "secret-key" not in problems["key"]
    assert list(spec_problems(OPTIONS, {"members": "x"}))[0][0] == "members"
    assert not list(spec_problems(OPTIONS, {"unknown": "y", "version": 10}))

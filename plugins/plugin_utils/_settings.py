# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Strict types for settings: a value is taken only when every reader of it reads the same thing.

PRIVATE: only for this collection's own plugins (the leading underscore); the API may change without notice.

An argument spec converts a value for its own check, but a role reads the variable as it was given: the spec takes
'y' and 't' as true where Ansible's bool filter reads them (and 'yes ' and 2) as false; it takes 8080.0, True and
'10\\n' as whole numbers that a template writes as they are; and it splits a string at its commas where the role
wanted a list. Here a boolean is a boolean, one of true/false, yes/no, on/off, 1/0 (in any case, as written from
an INI inventory or -e), a whole number is an integer or its ASCII digits, a number is an integer, a float or its
decimal digits, a list is a list and a string is a string (or a number). Everything else is refused with a phrase
that shows the value, never a secret one.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping

from ansible.module_utils.parsing.convert_bool import BOOLEANS_FALSE, BOOLEANS_TRUE

# What Ansible's bool filter reads without a deprecation warning; an argument spec's bool also reads y, t, n and f,
# and strips spaces.
_TRUE = frozenset(("true", "yes", "on", "1"))
_FALSE = frozenset(("false", "no", "off", "0"))
_WHOLE = re.compile(r"-?[0-9]+")
_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")

# The types a role's argument spec may give an option, and how a sentence names what is wanted.
WANTED = {
    "bool": "true or false",
    "int": "a whole number",
    "float": "a number",
    "list": "a list",
    "str": "a string",
    "path": "a string",
}


def shown(value, secret=False):
    """The value as a sentence shows it: JSON, so that a space, a newline or a quote can be seen."""
    if secret:
        return "a value that is not shown: it is secret"
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        return repr(value)


def _spec_reading(value):
    """What an argument spec's bool reads a value as (None: it refuses it)."""
    text = value.lower().strip() if isinstance(value, str) else value
    try:
        return True if text in BOOLEANS_TRUE else False if text in BOOLEANS_FALSE else None
    except TypeError:  # a list or a mapping
        return None


def _filter_reading(value):
    """What Ansible's bool filter reads a value as: anything it does not know is false, with a warning."""
    text = value.lower() if isinstance(value, str) else str(value).lower() if isinstance(value, int) else value
    if isinstance(text, str) and (text in _TRUE or text in _FALSE):
        return text in _TRUE
    return text == 1


def strict_bool(value):
    """True or False for a strict boolean; None for anything else."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    return None


def strict_int(value):
    """The integer of a whole number (an int, or its ASCII digits); None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _WHOLE.fullmatch(value):
        return int(value)
    return None


def strict_float(value):
    """The float of a finite number (an int, a float, or decimal digits); None for anything else."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        return float(value)
    return None


def type_problem(kind, value, secret=False, nullable=False):
    """Why a role would not read value as an option of type kind: 'must be ... (got ...)', or None."""
    if value is None:
        return None if nullable and kind != "bool" else f"must be {WANTED.get(kind, kind)} (got null)"
    got = shown(value, secret)
    if kind == "bool" and strict_bool(value) is None:
        spec, read = _spec_reading(value), _filter_reading(value)
        if spec is None or spec == read:
            return f"must be true or false (got {got}): write true or false"
        return (
            f"must be true or false (got {got}, which the argument spec reads as {str(spec).lower()} but Ansible's "
            f"bool filter as {str(read).lower()}): write true or false"
        )
    if kind == "int" and strict_int(value) is None:
        how = "without a decimal point" if isinstance(value, float) else "as digits alone"
        return f"must be a whole number (got {got}): write it {how}"
    if kind == "float" and strict_float(value) is None:
        return f"must be a number (got {got}): write it as digits, with a decimal point if need be"
    if kind == "list" and (isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (list, tuple))):
        return f"must be a list (got {got}): write it as a YAML list, such as [{shown(value, secret)}]"
    if kind in ("str", "path") and (isinstance(value, (bool, Mapping, list, tuple))):
        quote = ": quote it" if isinstance(value, bool) else ""
        return f"must be a string (got {got}){quote}"
    return None


def _element_problems(name, option, value):
    """Problems of a list's elements: each element's type, and each key of a dict element with suboptions."""
    kind = option.get("elements")
    for index, element in enumerate(value):
        where = f"{name}[{index}]"
        if kind == "dict" and option.get("options"):
            if not isinstance(element, Mapping):
                yield where, f"must be a mapping (got {shown(element)})"
                continue
            yield from spec_problems(option["options"], element, prefix=f"{where}.")
        elif kind in WANTED and kind != "list":
            problem = type_problem(kind, element)
            if problem:
                yield where, problem


def spec_problems(options, values, prefix=""):
    """(name, phrase) for every option of an argument spec whose value in values a role would misread.

    options is an entry point's options; values holds the options set (a missing one is not checked).
    """
    for name, option in options.items():
        if name not in values or not isinstance(option, Mapping):
            continue
        value = values[name]
        kind = option.get("type", "str")
        secret = bool(option.get("no_log"))
        # null is a value only where the spec's default is null ("unset": the role takes its own).
        nullable = "default" in option and option["default"] is None
        problem = type_problem(kind, value, secret, nullable)
        if problem:
            yield f"{prefix}{name}", problem
        elif kind == "list" and isinstance(value, (list, tuple)):
            yield from _element_problems(f"{prefix}{name}", option, value)
        elif kind == "dict" and option.get("options") and isinstance(value, Mapping):
            yield from spec_problems(option["options"], value, prefix=f"{prefix}{name}.")

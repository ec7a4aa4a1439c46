# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every bad value of the table (tests/bad_input/cases.py, by issue 31's kinds) is refused before any change.

Each case runs where a user meets it (a filter, a role's preflight alone, the first play of site.yml or
verify.yml) on aliases of localhost, and must stop with one sentence that names the variable, shows the value and
holds the case's words, with no Python exception's words, and no host changed. The values of ACCEPTED, which the
same checks must let through, run alongside.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.bad_input.cases import ACCEPTED, CASES, KINDS
from tests.bad_input.runner import run_cases

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def results():
    """One run of every case (the runs of a role share a play, the others go side by side)."""
    return run_cases(ROOT, [*CASES, *ACCEPTED])


def test_the_table_covers_every_kind_with_150_cases_or_more():
    counts = Counter(case.kind for case in CASES)
    assert set(counts) == set(KINDS), set(KINDS) - set(counts)
    assert len(CASES) >= 150, len(CASES)
    assert len({case.id for case in [*CASES, *ACCEPTED]}) == len(CASES) + len(ACCEPTED)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_refused_before_any_change_with_its_sentence(results, case):
    result = results[case.id]
    message = " ".join((result["message"] or "").split())
    assert result["outcome"] == "clear", f"{result['outcome']}: {message or 'not refused'}"
    assert " ".join(case.says.split()) in message, message
    assert result["hosts"] == "unchanged", message


@pytest.mark.parametrize("case", ACCEPTED, ids=[case.id for case in ACCEPTED])
def test_accepted(results, case):
    result = results[case.id]
    assert result["message"] is None, result["message"]
    assert result["hosts"] == "unchanged"

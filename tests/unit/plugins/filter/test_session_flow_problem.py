# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""session_flow_problem: the flow's sentence as session_probe and session_load would give it, or nothing."""

from __future__ import annotations

import pytest
from ansible_collections.sessionlab.tomcat_ha.plugins.filter.session_flow_problem import (
    FilterModule,
    session_flow_problem,
)

SHOP = [
    {"name": "login", "method": "POST", "path": "/shop/login", "form": {"user": "u{user}"}, "once": True},
    {"name": "cart", "path": "/shop/cart", "state": {"key": "items", "json": "/items", "expect": "persist"}},
]


def test_a_flow_that_runs_and_the_test_page_have_no_problem():
    assert FilterModule().filters()["session_flow_problem"] is session_flow_problem
    assert session_flow_problem(SHOP) == session_flow_problem([]) == session_flow_problem(None) == ""


@pytest.mark.parametrize(
    ("flow", "sentence"),
    [
        ([{"name": "login", "method": "POST"}], "flow step 1 'login': path must be a path on the site"),
        (
            [{"name": "c", "path": "/c", "state": {"key": "n", "regex": "(", "expect": "persist"}}],
            "flow step 1 'c': state 'n' regex '(' does not compile",
        ),
        ([{"name": "c", "path": "/c", "status": 999}], "status must be an HTTP status from 100 to 599"),
        ("/cart", "flow must be a list of steps"),
        ([*SHOP, SHOP[1]], "cart"),
    ],
)
def test_each_problem_is_one_sentence_naming_the_step(flow, sentence):
    problem = session_flow_problem(flow)
    assert sentence in problem and problem.endswith(".") and "\n" not in problem

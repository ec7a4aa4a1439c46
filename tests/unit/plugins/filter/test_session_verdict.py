# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The session_verdict filter: input checks and errors that name the filter (the verdict itself: test_verdict)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.sessionlab.tomcat_ha.plugins.filter.session_verdict import FilterModule, session_verdict

LOAD = {
    "failed": 2,
    "sessions_lost": 0,
    "updates_lost": 0,
    "unacked_applied": 0,
    "longest_stall_s": 3.2,
    "latency_ms": {"p50": 2.0, "p99": 30.0, "max": 3200.0},
}


def test_registered():
    assert FilterModule().filters()["session_verdict"] is session_verdict


def test_judges_a_load_summary():
    result = session_verdict({"load": LOAD}, {"load": {"failed_requests": 0, "longest_stall_s": 5}})
    assert result["matched"] is False
    assert result["failures"] == ["failed_requests"]
    assert result["observed"]["longest_stall_s"] == 3.2


@pytest.mark.parametrize(
    ("results", "expected", "message"),
    [
        ("load", {}, "session_verdict: the input must be a mapping"),
        ({"loads": LOAD}, {}, "session_verdict: unknown input keys ['loads']"),
        ({"before": {}}, {}, "session_verdict: give both before and after probe results, or neither"),
        ({"load": LOAD}, {"load": {"failed": 0}}, "session_verdict: unknown load figure 'failed'"),
        ({"load": {"failed": 1}}, {}, "session_verdict: the results lack a field the verdict needs"),
    ],
)
def test_errors_name_the_filter(results, expected, message):
    with pytest.raises(AnsibleFilterError) as info:
        session_verdict(results, expected)
    assert message in str(info.value)

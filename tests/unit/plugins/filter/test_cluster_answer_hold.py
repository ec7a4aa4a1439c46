# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""cluster_answer_hold: which send options wait for the peer, and the hold rounded up to Tribes' 5 s select."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.sessionlab.tomcat_ha.plugins.filter.cluster_answer_hold import (
    FilterModule,
    cluster_answer_hold,
)


@pytest.mark.parametrize(
    ("options", "timeout", "hold"),
    [
        (6, 3000, 5),  # the role's defaults: use_ack + synchronized_ack
        ("6", 500, 5),  # the lab's timeout: still one select
        (2, 7000, 10),
        (8, 3000, 0),  # the tutorial's asynchronous
        (10, 3000, 0),  # use_ack + async
        (4, 3000, 0),  # synchronized_ack without use_ack
        ("use_ack,sync", 3000, 5),
        ("use_ack,async", 3000, 0),
        ("sync", 3000, 0),
        (6, 0, 5),
        (6, "10001", 15),
    ],
)
def test_hold(options, timeout, hold):
    assert cluster_answer_hold(options, timeout) == hold


@pytest.mark.parametrize(
    ("options", "timeout", "message"),
    [
        ("use_ack,snyc", 3000, "names of async, asynchronous, byte"),
        ("", 3000, "a Tribes option number"),
        (6, "3s", "sender_timeout must be whole milliseconds, got '3s'"),
        (6, True, "sender_timeout must be whole milliseconds"),
    ],
)
def test_bad_input_names_the_value(options, timeout, message):
    with pytest.raises(AnsibleFilterError, match=message):
        cluster_answer_hold(options, timeout)


def test_registered():
    assert FilterModule().filters()["cluster_answer_hold"] is cluster_answer_hold

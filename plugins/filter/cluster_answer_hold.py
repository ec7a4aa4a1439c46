# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Ansible layout: DOCUMENTATION, EXAMPLES and RETURN come before the imports.
# ruff: noqa: E402

from __future__ import annotations

DOCUMENTATION = r"""
name: cluster_answer_hold
short_description: How long synchronous session replication to a hung peer can hold a backend's answers
version_added: 1.0.0
author: sessionlab maintainers (@sessionlab)
positional: _input, sender_timeout
description:
  - "Tomcat's C(channelSendOptions) decide whether a request's answer waits for its session's replication: with
    C(use_ack) (2) and without C(async) (8) the sender waits for the peer's acknowledgement. When the peer hangs or
    is cut off, Tomcat's ParallelNioSender waits in a fixed 5 s select and checks its timeout each time that returns,
    so the answer is held for the sender's timeout rounded up to 5 s (at least 5 s)."
  - Returns that hold in seconds, or 0 when replication does not wait (asynchronous, or no acknowledgement).
  - A balancer that gives up on an answer sooner gives up on the healthy backend too; the tomcat role's preflight
    sets this as the fact C(tomcat_cluster_answer_hold), and the balancer role checks its answer timeout against it.
options:
  _input:
    description:
      - C(tomcat_cluster_channel_send_options), a Tribes option number (such as V(6) or V(8)) or names joined by commas
        (such as V(use_ack,sync)).
    type: raw
    required: true
  sender_timeout:
    description: C(tomcat_cluster_sender_timeout), the replication sender's timeout in milliseconds.
    type: int
    required: true
"""

EXAMPLES = r"""
- name: The hold of the role's defaults (6, 3000 ms) is 5 s
  ansible.builtin.debug:
    msg: "{{ 6 | sessionlab.tomcat_ha.cluster_answer_hold(3000) }}"

- name: Asynchronous replication holds nothing
  ansible.builtin.debug:
    msg: "{{ 8 | sessionlab.tomcat_ha.cluster_answer_hold(3000) }}"
"""

RETURN = r"""
_value:
  description: Seconds a hung peer can hold an answer; 0 when replication does not wait.
  type: int
  sample: 5
"""

import math
import re

from ansible.errors import AnsibleFilterError

_NAME = "cluster_answer_hold"
# Tribes' names of the send options (Channel.SEND_OPTIONS_*).
OPTION_NAMES = {
    "asynchronous",
    "async",
    "byte_message",
    "byte",
    "multicast",
    "secure",
    "synchronized_ack",
    "sync",
    "udp",
    "use_ack",
}
USE_ACK = 2
ASYNCHRONOUS = 8
# The fixed select of Tomcat's ParallelNioSender, in seconds.
SELECT_S = 5


def waits_for_ack(send_options):
    """Whether replication waits for the peer: use_ack without async."""
    text = str(send_options).strip()
    if re.fullmatch(r"[0-9]+", text):
        number = int(text)
        return bool(number & USE_ACK) and not number & ASYNCHRONOUS
    names = text.split(",")
    if not text or set(names) - OPTION_NAMES:
        raise AnsibleFilterError(
            f"{_NAME}: the send options must be a Tribes option number or names of {', '.join(sorted(OPTION_NAMES))} "
            f"joined by commas, got {send_options!r}"
        )
    return "use_ack" in names and not {"async", "asynchronous"} & set(names)


def cluster_answer_hold(send_options, sender_timeout):
    """Seconds a hung peer can hold an answer under these send options and sender timeout."""
    if isinstance(sender_timeout, bool) or not re.fullmatch(r"[0-9]+", str(sender_timeout).strip()):
        raise AnsibleFilterError(f"{_NAME}: sender_timeout must be whole milliseconds, got {sender_timeout!r}")
    if not waits_for_ack(send_options):
        return 0
    return max(math.ceil(int(str(sender_timeout).strip()) / (SELECT_S * 1000)), 1) * SELECT_S


class FilterModule:
    def filters(self):
        return {"cluster_answer_hold": cluster_answer_hold}

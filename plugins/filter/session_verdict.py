# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Ansible layout: DOCUMENTATION, EXAMPLES and RETURN come before the imports.
# ruff: noqa: E402

from __future__ import annotations

DOCUMENTATION = r"""
name: session_verdict
short_description: Judge a verification's probes and load run against a strategy's expectation
version_added: 1.0.0
author: sessionlab maintainers (@sessionlab)
positional: _input, expected
description:
  - The one place where what a verification observed is compared with what a strategy promises.
    The verification role's judge entry point calls it once and asserts RV(_value.matched); the lab report
    shows its checks as they are.
  - "With O(topology) and O(fault), O(expected) is the whole expectation table (C(playbooks/vars/expectations.yml))
    and the filter picks the run's cell: the strategy's default, its cell for the fault, the balancer's default
    and the balancer's cell for the fault, merged recursively in that order. Behind nginx's hash of the session
    cookie without a cluster, C(stable_before) is then the prediction of
    P(sessionlab.tomcat_ha.nginx_hash#filter) for the probe's first session: it stays exactly when its ID
    hashes to the backend round robin gave the first, cookieless request."
  - "From the quiet probes (two M(sessionlab.tomcat_ha.session_probe) results, the second continuing the first's
    cookies during the fault): C(stable_before) is one session and no failed request before the fault;
    C(kept_after) is the same session during the fault, its counter going on from the last count before it."
  - "From the load run (the C(summary) of M(sessionlab.tomcat_ha.session_load)): C(failed_requests),
    C(sessions_lost), C(updates_lost), C(unacked_applied), C(longest_stall_s) and C(p99_ms)."
  - "C(restore_under_load), true when the fault's restore finished while the load still ran: from the load's stop
    when given (the load saw the judge's stop condition, written only after the restore, on its own clock), else
    from the timing's wall clock times. From the load's stop: C(rejoined), true when the load ended on its stop
    file's condition (the restored backend served the load's requests asked for, then the tail ran) rather than its
    limit. Both are judged whenever they are given: a load that ended first did not measure the recovery."
  - "From the audit: C(unreplicated_attributes), how many session attributes (by name and class) Tomcat refused,
    left out (the cluster's class filter) or could not serialize or read back on any backend; a cell's C(audit)
    bounds it, and a miss names each attribute, its class, what happened and where."
options:
  _input:
    description:
      - The raw results. Each key may be left out; figures that were not observed are not judged.
    type: dict
    required: true
    suboptions:
      before:
        description: The session_probe result before the fault.
        type: dict
      after:
        description: The session_probe result during the fault, run with the cookies of O(_input.before).
        type: dict
      load:
        description: The C(summary) returned by session_load.
        type: dict
      timing:
        description: C(load_started) (epoch seconds), C(load_duration) (seconds) and C(restored) (epoch seconds).
        type: dict
      audit:
        description:
          - What replication_audit found on each backend during the run, a list of C(host) and C(summary) (the module's
            summary), or the results of a loop of it over the backends (C(item) is the host).
        type: list
        elements: dict
      stop:
        description:
          - The C(stop) of session_load, what its stop file asked for and whether it held, with C(limit_s), the
            seconds the restored backend had to rejoin, for the sentence when it did not.
        type: dict
  expected:
    description:
      - The expectation of one strategy and fault (a cell), or with O(topology) the whole table of
        C(playbooks/vars/expectations.yml).
      - C(probe) maps C(stable_before) and C(kept_after) to V(true), V(false) or V(null) (not judged).
      - C(audit) maps C(unreplicated_attributes) to a bound, as C(load) does.
      - C(load) maps load figures to a bound, V(null) (reported, not judged), a number (at most that), or a
        dictionary with C(min) and/or C(max).
      - C(promise) is the promise in words, shown in the report.
    type: dict
    required: true
  topology:
    description:
      - The setup the run verified, as the P(sessionlab.tomcat_ha.topology#module) action returns it
        (C(strategy), C(balancer), C(cluster), C(balancer_setting) and C(balancer_members) are read).
      - With it, O(expected) is the expectation table and O(fault) is required.
    type: dict
  fault:
    description: The fault kind of the run (C(stop), C(kill), C(freeze), C(partition), C(restart)); with O(topology).
    type: str
notes:
  - A malformed expectation (unknown figure, a bound that is not a number, min above max) is an error naming the
    filter and the figure.
"""

EXAMPLES = r"""
- name: Judge the run
  ansible.builtin.set_fact:
    __verdict: >-
      {{ {'before': __probe_before, 'after': __probe_after, 'load': __load.summary}
         | sessionlab.tomcat_ha.session_verdict({'probe': {'kept_after': true},
                                                'load': {'failed_requests': 0, 'sessions_lost': 0}}) }}

- name: Judge a run of verify.yml against the expectation table
  ansible.builtin.set_fact:
    __verdict: >-
      {{ {'before': __probe_before, 'after': __probe_after, 'load': __load.summary}
         | sessionlab.tomcat_ha.session_verdict(tomcat_ha_expectations, topology=tomcat_ha_topology, fault='kill') }}

- name: Fail with the figures that missed
  ansible.builtin.assert:
    that: __verdict.matched
    fail_msg: "{{ __verdict.text }}"
"""

RETURN = r"""
_value:
  description: The verdict.
  type: dict
  contains:
    matched:
      description: Every judged figure is within its bound.
      type: bool
    checks:
      description: One entry per figure, with C(figure), C(expected) (in words), C(observed), C(judged) and C(ok).
      type: list
      elements: dict
    failures:
      description: The figures that missed their bound.
      type: list
      elements: str
    text:
      description: One line, the misses with expected and observed values, or what was judged.
      type: str
    observed:
      description: Every figure, V(null) where it was not observed.
      type: dict
    expected:
      description: The expectation, normalised to C(probe), C(load) and C(promise).
      type: dict
"""

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError
from ansible_collections.sessionlab.tomcat_ha.plugins.filter.nginx_hash import nginx_hash
from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._verdict import (
    VerdictError,
    results_verdict,
    run_verdict,
)

INPUT_KEYS = ("before", "after", "load", "timing", "stop", "audit")


def session_verdict(results, expected, *, topology=None, fault=None):
    """{matched, checks, failures, text, observed, expected} for raw results and one expectation, or for the
    expectation table and the run's topology and fault."""
    if not isinstance(results, Mapping):
        raise AnsibleFilterError(f"session_verdict: the input must be a mapping with {', '.join(INPUT_KEYS)}")
    unknown = set(results) - set(INPUT_KEYS)
    if unknown:
        raise AnsibleFilterError(f"session_verdict: unknown input keys {sorted(unknown)}: use {', '.join(INPUT_KEYS)}")
    if ("before" in results) != ("after" in results):
        raise AnsibleFilterError("session_verdict: give both before and after probe results, or neither")
    if (topology is None) != (fault is None):
        raise AnsibleFilterError("session_verdict: give both topology and fault (the table's cell), or neither")
    if topology is not None and not isinstance(topology, Mapping):
        raise AnsibleFilterError(f"session_verdict: topology must be the topology action's mapping, got {topology!r}")
    try:
        if topology is not None:
            return run_verdict(expected, topology, fault, results, hash_key=nginx_hash)
        return results_verdict(expected, results)
    except VerdictError as exc:
        raise AnsibleFilterError(f"session_verdict: {exc}", orig_exc=exc) from exc
    except (KeyError, TypeError) as exc:
        raise AnsibleFilterError(f"session_verdict: the results lack a field the verdict needs: {exc}") from exc


class FilterModule:
    def filters(self):
        return {"session_verdict": session_verdict}

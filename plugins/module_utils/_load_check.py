# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Check the history of a load run: what the users saw while a backend failed.

Private helper (the leading underscore): the API may change without notice.
Pure functions, no I/O: the session_load module and the unit tests (synthetic histories) call check_history.
Kept compatible with the oldest target Python ansible-core supports (no match statements, no X | Y types).

A history is a list of request records (see the session_load module's RETURN); the checker reads the keys
user, seq, start (s from t0), latency_ms, outcome, session and count, and server for the examples; in flow mode
step and state instead of count.
Page mode is the flow of one step that repeats, whose counter grows by one from 0: one FlowUser per user judges
both, in the same way the load engine walked it through the flow.
"""

from __future__ import annotations

import math

from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils._session_flow import (
    PAGE_FLOW,
    PAGE_START,
    Flow,
    FlowUser,
    parse_flow,
)

OUTCOMES = ("ok", "refused", "reset", "timeout", "http_5xx", "other")
# Every outcome but ok is a failure; an unknown outcome text counts as "other".
FAILURE_CLASSES = OUTCOMES[1:]
# The anomaly kinds: the summary keys that count them and the "kind" of their examples.
ANOMALY_KINDS = ("sessions_lost", "updates_lost", "unacked_applied")
# Of the losses, those unreplicated at a failover (_classify_user), counted under these summary keys.
LOSSES = {"sessions_lost": "sessions_unreplicated", "updates_lost": "updates_unreplicated"}
UNREPLICATED_KINDS = tuple(LOSSES.values())
# A request a balancer does not send again once it may have reached a backend (nginx's proxy_next_upstream
# non_idempotent, HAProxy's retries, httpd's mod_proxy alike), and the answers a balancer gives when that backend
# fails under it: such a failure is the method's, not the strategy's (failed_not_resent).
NON_IDEMPOTENT = ("POST", "PATCH", "LOCK")
BALANCER_GAVE_UP = (502, 503, 504)


def percentile(sorted_values, percent):
    """Nearest-rank percentile of an ascending list: the value at rank ceil(percent/100 * n), 1-based.

    Always one of the observed values (no interpolation); None for an empty list.
    """
    if not sorted_values:
        return None
    rank = max(1, math.ceil(percent / 100.0 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def _end(record):
    """Completion time of a request, s from t0 (its start when it has no latency)."""
    latency = record.get("latency_ms")
    return record["start"] + (latency / 1000.0 if latency is not None else 0.0)


def _step_of(flow, record):
    step = flow.by_name.get(record.get("step"))
    if step is None:
        raise ValueError(f"history names step {record.get('step')!r}, which the flow does not have")
    return step


def _unreplicated(kind, step, key, expected, got, last):
    """Whether a lost session or update is exactly the user's last acknowledged request, which its node had not
    replicated yet: the session that request created, or the value its key had before it (a step that grows
    shows that value grown once more). A loss of another key than that request's cannot be that request's.

    last: the user's session just before that request's answer, the request's state key, and that key's value
    just before the answer.
    """
    session_before, last_key, base = last
    if kind == "sessions_lost":
        return session_before != expected
    if kind != "updates_lost" or key != last_key or base is None:
        return False
    if step.expect == "persist":
        return str(got) == str(base)
    return step.by is not None and isinstance(base, int) and isinstance(got, int) and got == base + step.by


def _classify_user(records, examples, flow=None, steps=None):
    """Session and state anomalies of one user's records (in seq order); returns counts per kind, and per kind of
    loss (sessions_unreplicated, updates_unreplicated) how many were unreplicated at a failover.

    Page mode (flow None): the counter grows by one from 0, and only ok records name a session. The first ok
    record establishes the session, so a count above 1 there means an earlier request whose response never
    arrived was applied. steps (flow mode): {step name: figures}, updated with each record and anomaly.
    A loss is unreplicated at a failover when another backend gave the answer that shows it than gave the user's
    last acknowledged answer, and what is lost is exactly that last request (_unreplicated): the price of
    asynchronous replication when a node fails just after it answered. Any other loss is not.
    """
    counts = dict.fromkeys(ANOMALY_KINDS + UNREPLICATED_KINDS, 0)
    user = FlowUser(flow or PAGE_FLOW, state=None if flow else PAGE_START)
    page_step = PAGE_FLOW.steps[0]
    # The server of the user's last acknowledged answer, and what _unreplicated needs from just before it.
    last_server, last = None, None
    for record in records:
        ok = record.get("outcome") == "ok"
        if flow is None:
            if not ok:
                continue
            step, value = page_step, record.get("count")
        else:
            step, state = _step_of(flow, record), record.get("state")
            value = state.get(step.key) if state else None
            figures = steps[step.name]
            figures["requests"] += 1
            figures["failed"] += 0 if ok else 1
        server = record.get("server")
        before = (user.session, step.key, user.state.get(step.key)) if ok else None
        for kind, key, expected, got in user.observe(step, record.get("session"), value, ok):
            counts[kind] += 1
            example = {
                "user": record["user"],
                "seq": record["seq"],
                "start": record["start"],
                "kind": kind,
                "expected": expected,
                "got": got,
                "server": server,
                "previous_server": last_server,
            }
            if kind in LOSSES:
                failover = None not in (server, last_server) and server != last_server
                example["unreplicated"] = bool(failover and _unreplicated(kind, step, key, expected, got, last))
                counts[LOSSES[kind]] += example["unreplicated"]
            if flow is not None:
                example.update(step=step.name, key=key)
                steps[step.name][kind] += 1
            examples.append(example)
        if ok:
            last_server, last = server, before
    return counts


def _stalls(records, fast_ms, end_of_history):
    """Stalls of one user's records (in seq order): (longest in s, number of stalls, unrecovered).

    A stall opens at the start of the first request that did not succeed quickly (outcome not ok, or
    latency above fast_ms) and closes at the completion of the next ok response, which may be that same
    request when it was ok but slow. A stall that never closes runs until end_of_history.
    """
    longest = 0.0
    stalls = 0
    opened = None
    for record in records:
        ok = record.get("outcome") == "ok"
        latency = record.get("latency_ms")
        quick = ok and latency is not None and latency <= fast_ms
        if opened is None and not quick:
            opened = record["start"]
            stalls += 1
        if opened is not None and ok:
            longest = max(longest, _end(record) - opened)
            opened = None
    if opened is not None:
        longest = max(longest, end_of_history - opened)
    return longest, stalls, opened is not None


def _total_missed(missed_slots):
    if not missed_slots:
        return 0
    values = missed_slots.values() if isinstance(missed_slots, dict) else missed_slots
    return int(sum(values))


def check_history(history, *, users, duration, fast_ms=1000.0, missed_slots=None, max_examples=50, flow=None):
    """Summarise a load run's history; see the session_load module's RETURN for every key.

    history: request records in any order (sorted here by user, seq). users: the number of virtual users;
    a user id outside 0..users-1 is a ValueError. duration: the run's length in s (for the achieved rate and
    the end of an unrecovered stall). missed_slots: {user: n} or a list indexed by user, or None.
    flow: the run's flow (a parsed Flow or the list of steps) for a flow-mode history, None for page mode; in
    flow mode the summary also has steps, and every example names its step and key.
    """
    if flow is not None and not isinstance(flow, Flow):
        flow = parse_flow(flow)
    steps = None
    if flow is not None:
        steps = {step.name: dict.fromkeys(("requests", "failed") + ANOMALY_KINDS, 0) for step in flow.steps}
    records = sorted(history, key=lambda r: (r["user"], r["seq"]))
    by_user = {}
    for record in records:
        user = record["user"]
        if not 0 <= user < users:
            raise ValueError(f"history names user {user}, outside 0..{users - 1} (users={users})")
        by_user.setdefault(user, []).append(record)

    failed_by_class = dict.fromkeys(FAILURE_CLASSES, 0)
    ok = 0
    not_resent = 0
    # The steps whose requests a balancer must not send twice (nginx's non_idempotent: POST, LOCK, PATCH).
    once_only = {step.name for step in flow.steps if step.method in NON_IDEMPOTENT} if flow is not None else set()
    latencies = []
    for record in records:
        outcome = record.get("outcome")
        if outcome == "ok":
            ok += 1
        else:
            failed_by_class[outcome if outcome in failed_by_class else "other"] += 1
            if record.get("step") in once_only and record.get("status") in BALANCER_GAVE_UP:
                not_resent += 1
        if record.get("latency_ms") is not None:
            latencies.append(record["latency_ms"])
    latencies.sort()

    end_of_history = max([duration] + [_end(r) for r in records])
    anomalies = dict.fromkeys(ANOMALY_KINDS + UNREPLICATED_KINDS, 0)
    examples = []
    users_with_anomaly = 0
    longest = 0.0
    stalled_users = 0
    unrecovered_users = 0
    for user_records in by_user.values():
        counts = _classify_user(user_records, examples, flow, steps)
        for kind, n in counts.items():
            anomalies[kind] += n
        if any(counts[kind] for kind in ANOMALY_KINDS):
            users_with_anomaly += 1
        user_longest, stalls, unrecovered = _stalls(user_records, fast_ms, end_of_history)
        longest = max(longest, user_longest)
        stalled_users += 1 if stalls else 0
        unrecovered_users += 1 if unrecovered else 0
    examples.sort(key=lambda e: (e["start"], e["user"], e["seq"]))

    def _ms(value):
        return None if value is None else round(value, 1)

    summary = {
        "requests": len(records),
        "ok": ok,
        "failed": len(records) - ok,
        "failed_by_class": failed_by_class,
        "failed_not_resent": not_resent,
        "rate": round(len(records) / duration, 1) if duration > 0 else 0.0,
        "missed_slots": _total_missed(missed_slots),
        "sessions_lost": anomalies["sessions_lost"],
        "updates_lost": anomalies["updates_lost"],
        "unacked_applied": anomalies["unacked_applied"],
        "sessions_unreplicated": anomalies["sessions_unreplicated"],
        "updates_unreplicated": anomalies["updates_unreplicated"],
        "users_with_anomaly": users_with_anomaly,
        "examples": examples[: max(0, max_examples)],
        "longest_stall_s": round(longest, 2),
        "stalled_users": stalled_users,
        "unrecovered_users": unrecovered_users,
        "latency_ms": {
            "p50": _ms(percentile(latencies, 50)),
            "p99": _ms(percentile(latencies, 99)),
            "max": _ms(latencies[-1] if latencies else None),
        },
    }
    if steps is not None:
        summary["steps"] = steps
    return summary

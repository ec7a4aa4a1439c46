# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The load checker on synthetic histories: anomaly classes, failure classes, stalls, percentiles."""

from __future__ import annotations

import random

import pytest
from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils._load_check import (
    FAILURE_CLASSES,
    check_history,
    percentile,
)

from lab.loopback import SHOP_FLOW

SUMMARY_KEYS = {
    "requests",
    "ok",
    "failed",
    "failed_by_class",
    "failed_not_resent",
    "rate",
    "missed_slots",
    "sessions_lost",
    "updates_lost",
    "unacked_applied",
    "sessions_unreplicated",
    "updates_unreplicated",
    "users_with_anomaly",
    "examples",
    "longest_stall_s",
    "stalled_users",
    "unrecovered_users",
    "latency_ms",
}
ANOMALIES = ("sessions_lost", "updates_lost", "unacked_applied")


def rec(user, seq, count=None, session=None, outcome="ok", start=None, latency_ms=5.0, server="backend1.test"):
    """One record; an ok record defaults to session S<user> and count seq + 1, start 0.1 s per seq."""
    ok = outcome == "ok"
    return {
        "user": user,
        "seq": seq,
        "start": round(seq * 0.1 + user * 0.01, 3) if start is None else start,
        "latency_ms": latency_ms,
        "outcome": outcome,
        "status": 200 if ok else None,
        "session": (session or f"S{user}") if ok else None,
        "route": "tomcat1" if ok else None,
        "server": server if ok else None,
        "count": (seq + 1 if count is None else count) if ok else None,
        "new_session": ok and seq == 0,
        "error": None if ok else "boom",
    }


def clean(users=3, per_user=10):
    return [rec(u, s) for s in range(per_user) for u in range(users)]


def anomalies(summary):
    return {key: summary[key] for key in ANOMALIES}


def test_clean_interleaved_history_has_no_anomaly():
    summary = check_history(clean(), users=3, duration=1.0)
    assert set(summary) == SUMMARY_KEYS
    assert (summary["requests"], summary["ok"], summary["failed"]) == (30, 30, 0)
    assert summary["failed_by_class"] == dict.fromkeys(FAILURE_CLASSES, 0)
    assert anomalies(summary) == dict.fromkeys(ANOMALIES, 0)
    assert summary["users_with_anomaly"] == 0
    assert summary["examples"] == []
    assert (summary["longest_stall_s"], summary["stalled_users"], summary["unrecovered_users"]) == (0, 0, 0)
    assert summary["rate"] == 30.0
    assert summary["missed_slots"] == 0
    assert summary["latency_ms"] == {"p50": 5.0, "p99": 5.0, "max": 5.0}


def test_empty_history():
    summary = check_history([], users=4, duration=10.0)
    assert set(summary) == SUMMARY_KEYS
    assert (summary["requests"], summary["ok"], summary["failed"], summary["rate"]) == (0, 0, 0, 0.0)
    assert summary["failed_by_class"] == dict.fromkeys(FAILURE_CLASSES, 0)
    assert anomalies(summary) == dict.fromkeys(ANOMALIES, 0)
    assert summary["latency_ms"] == {"p50": None, "p99": None, "max": None}
    assert (summary["longest_stall_s"], summary["stalled_users"], summary["unrecovered_users"]) == (0, 0, 0)
    assert summary["examples"] == []


def test_session_lost():
    history = clean()
    # User 1 gets a new session at seq 5: count 1 again, another base (another backend without a copy).
    history = [r for r in history if not (r["user"] == 1 and r["seq"] >= 5)]
    history += [rec(1, s, count=s - 4, session="NEW", server="backend2.test") for s in range(5, 10)]
    summary = check_history(history, users=3, duration=1.0)
    assert anomalies(summary) == {"sessions_lost": 1, "updates_lost": 0, "unacked_applied": 0}
    assert summary["users_with_anomaly"] == 1
    assert summary["examples"] == [
        {
            "user": 1,
            "seq": 5,
            "start": 0.51,
            "kind": "sessions_lost",
            "expected": "S1",
            "got": "NEW",
            "server": "backend2.test",
            "previous_server": "backend1.test",
            # A failover, but the session was five requests old: not the last request's loss.
            "unreplicated": False,
        }
    ]
    assert (summary["sessions_unreplicated"], summary["updates_unreplicated"]) == (0, 0)
    assert summary["failed"] == 0 and summary["stalled_users"] == 0


def test_update_lost_by_a_stale_copy():
    history = clean()
    # User 2, seq 4 is answered by a copy that missed the last acknowledged update: count 4 again.
    for r in history:
        if r["user"] == 2 and r["seq"] >= 4:
            r["count"] = r["seq"]
    summary = check_history(history, users=3, duration=1.0)
    assert anomalies(summary) == {"sessions_lost": 0, "updates_lost": 1, "unacked_applied": 0}
    assert summary["users_with_anomaly"] == 1
    (example,) = summary["examples"]
    assert (example["user"], example["seq"], example["kind"], example["expected"], example["got"]) == (
        2,
        4,
        "updates_lost",
        5,
        4,
    )


def test_update_lost_counter_going_back_further():
    history = [rec(0, 0), rec(0, 1), rec(0, 2), rec(0, 3, count=1), rec(0, 4, count=2)]
    summary = check_history(history, users=1, duration=1.0)
    assert anomalies(summary) == {"sessions_lost": 0, "updates_lost": 1, "unacked_applied": 0}


def test_unacked_update_applied_after_a_reset():
    history = clean()
    # User 0's seq 3 was reset (the counter still went up on the server), so seq 4 shows 6 instead of 5:
    # counts continue from 6 on.
    for r in history:
        if r["user"] == 0 and r["seq"] == 3:
            r.update(outcome="reset", count=None, session=None, server=None, status=None, error="connection reset")
        elif r["user"] == 0 and r["seq"] > 3:
            r["count"] = r["seq"] + 2
    summary = check_history(history, users=3, duration=1.0)
    assert anomalies(summary) == {"sessions_lost": 0, "updates_lost": 0, "unacked_applied": 1}
    assert summary["failed_by_class"]["reset"] == 1
    (example,) = summary["examples"]
    assert (example["kind"], example["expected"], example["got"]) == ("unacked_applied", 4, 6)


def test_a_failed_request_that_was_not_applied_is_no_anomaly():
    history = clean()
    for r in history:
        if r["user"] == 0 and r["seq"] == 3:
            r.update(outcome="http_5xx", count=None, session=None, server=None, status=503)
        elif r["user"] == 0 and r["seq"] > 3:
            r["count"] = r["seq"]
    summary = check_history(history, users=3, duration=1.0)
    assert anomalies(summary) == dict.fromkeys(ANOMALIES, 0)
    assert summary["failed_by_class"]["http_5xx"] == 1


def test_duplicate_is_unacked_applied():
    # A request applied twice (a balancer retried it): the counter jumps by 2.
    history = [rec(0, 0), rec(0, 1), rec(0, 2, count=4), rec(0, 3, count=5)]
    summary = check_history(history, users=1, duration=1.0)
    assert anomalies(summary) == {"sessions_lost": 0, "updates_lost": 0, "unacked_applied": 1}


def test_first_ok_above_one_is_unacked_applied():
    # The first response was lost but its cookie arrived (say on a 503): the first OK shows count 2.
    history = [rec(0, 0, outcome="http_5xx"), rec(0, 1, count=2), rec(0, 2, count=3)]
    summary = check_history(history, users=1, duration=1.0)
    assert anomalies(summary) == {"sessions_lost": 0, "updates_lost": 0, "unacked_applied": 1}
    assert summary["examples"][0]["expected"] == 1
    # ...and a first OK with count 1 after failures establishes the session without an anomaly.
    history = [rec(0, 0, outcome="refused"), rec(0, 1, count=1), rec(0, 2, count=2)]
    assert anomalies(check_history(history, users=1, duration=1.0)) == dict.fromkeys(ANOMALIES, 0)


def test_a_session_lost_counts_once_then_the_new_session_is_followed():
    history = [rec(0, 0), rec(0, 1), rec(0, 2, session="B", count=1), rec(0, 3, session="B", count=2)]
    history += [rec(0, 4, session="B", count=2)]
    summary = check_history(history, users=1, duration=1.0)
    assert anomalies(summary) == {"sessions_lost": 1, "updates_lost": 1, "unacked_applied": 0}
    assert [e["kind"] for e in summary["examples"]] == ["sessions_lost", "updates_lost"]


def test_every_failure_class_is_counted():
    outcomes = ["refused", "reset", "reset", "timeout", "http_5xx", "http_5xx", "http_5xx", "other", "weird"]
    history = [rec(0, 0)] + [rec(0, i + 1, outcome=o) for i, o in enumerate(outcomes)]
    summary = check_history(history, users=1, duration=2.0)
    assert summary["failed_by_class"] == {"refused": 1, "reset": 2, "timeout": 1, "http_5xx": 3, "other": 2}
    assert (summary["requests"], summary["ok"], summary["failed"]) == (10, 1, 9)
    assert summary["rate"] == 5.0


def test_stall_failed_then_recovered():
    history = [
        rec(0, 0, start=0.0),
        rec(0, 1, start=1.0, outcome="refused", latency_ms=1.0),
        rec(0, 2, start=2.0, outcome="timeout", latency_ms=500.0),
        rec(0, 3, start=3.0, count=2, latency_ms=250.0),
        rec(0, 4, start=4.0, count=3),
    ]
    summary = check_history(history, users=1, duration=5.0)
    assert summary["longest_stall_s"] == 2.25  # from 1.0 to 3.0 + 0.25
    assert (summary["stalled_users"], summary["unrecovered_users"]) == (1, 0)


def test_stall_one_slow_ok_request():
    history = [rec(0, 0, start=0.0), rec(0, 1, start=1.0, latency_ms=1500.0), rec(0, 2, start=3.0)]
    summary = check_history(history, users=1, duration=4.0)
    assert summary["longest_stall_s"] == 1.5
    assert (summary["stalled_users"], summary["unrecovered_users"]) == (1, 0)
    assert summary["failed"] == 0


def test_stall_never_recovered_runs_to_the_end():
    history = [
        rec(0, 0, start=0.0),
        rec(0, 1, start=1.0, outcome="refused", latency_ms=1.0),
        rec(0, 2, start=2.0, outcome="refused", latency_ms=1.0),
        rec(1, 0, start=0.5),
        rec(1, 1, start=9.5, latency_ms=2000.0),  # the history ends at 11.5, after the duration
    ]
    summary = check_history(history, users=2, duration=10.0)
    assert summary["longest_stall_s"] == 10.5  # user 0: from 1.0 to 11.5
    assert (summary["stalled_users"], summary["unrecovered_users"]) == (2, 1)
    # Without the late request the stall runs until the duration.
    summary = check_history(history[:4], users=2, duration=10.0)
    assert summary["longest_stall_s"] == 9.0
    assert (summary["stalled_users"], summary["unrecovered_users"]) == (1, 1)


def test_several_stalls_of_one_user_keep_the_longest():
    history = [
        rec(0, 0, start=0.0, outcome="reset"),
        rec(0, 1, start=0.5, count=1),  # stall 0.0 -> 0.505
        rec(0, 2, start=1.0, count=2, latency_ms=1200.0),  # stall 1.0 -> 2.2
        rec(0, 3, start=3.0, count=3),
    ]
    summary = check_history(history, users=1, duration=4.0)
    assert summary["longest_stall_s"] == 1.2
    assert summary["stalled_users"] == 1


def test_fast_requests_do_not_stall_and_the_threshold_is_inclusive():
    history = [rec(0, s, start=float(s), latency_ms=999.9) for s in range(5)]
    assert check_history(history, users=1, duration=5.0)["stalled_users"] == 0
    at = [rec(0, s, start=float(s), latency_ms=1000.0) for s in range(5)]
    assert check_history(at, users=1, duration=5.0)["stalled_users"] == 0
    above = [rec(0, s, start=float(s), latency_ms=1000.1) for s in range(5)]
    summary = check_history(above, users=1, duration=5.0)
    assert (summary["stalled_users"], summary["longest_stall_s"]) == (1, 1.0)
    # fast_ms moves the threshold.
    summary = check_history(history, users=1, duration=5.0, fast_ms=500.0)
    assert (summary["stalled_users"], summary["longest_stall_s"]) == (1, 1.0)


def test_percentiles_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile(values, 100) == 100.0
    assert percentile([7.0], 99) == 7.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0
    assert percentile([1.0, 2.0, 3.0], 50) == 2.0
    assert percentile([], 50) is None
    history = [rec(0, i, latency_ms=float(v)) for i, v in enumerate(random.Random(3).sample(range(1, 201), 200))]
    history.append(rec(0, 200, outcome="refused", latency_ms=None))  # no latency: not counted
    summary = check_history(history, users=1, duration=10.0)
    assert summary["latency_ms"] == {"p50": 100.0, "p99": 198.0, "max": 200.0}


def test_missed_slots_summed_from_dict_or_list():
    assert check_history(clean(), users=3, duration=1.0, missed_slots={0: 2, 1: 0, 2: 3})["missed_slots"] == 5
    assert check_history(clean(), users=3, duration=1.0, missed_slots=[1, 1, 4])["missed_slots"] == 6
    assert check_history(clean(), users=3, duration=1.0, missed_slots=None)["missed_slots"] == 0


def test_users_are_independent():
    # Users 1 and 2 share a session base and count independently: no anomaly crosses users.
    history = [rec(1, s, session="SAME") for s in range(5)] + [rec(2, s, session="SAME") for s in range(5)]
    history += [rec(0, s) for s in range(5)]
    assert anomalies(check_history(history, users=3, duration=1.0)) == dict.fromkeys(ANOMALIES, 0)
    # An anomaly of user 1 is user 1's alone.
    history = clean()
    for r in history:
        if r["user"] == 1 and r["seq"] >= 6:
            r["count"] = r["seq"]  # seq 6 shows 6 again, then the counter goes on from there
    summary = check_history(history, users=3, duration=1.0)
    assert summary["users_with_anomaly"] == 1
    assert [e["user"] for e in summary["examples"]] == [1]
    assert anomalies(summary) == {"sessions_lost": 0, "updates_lost": 1, "unacked_applied": 0}


def test_unsorted_input_is_sorted_by_user_and_seq():
    history = clean(users=4, per_user=8)
    shuffled = list(history)
    random.Random(7).shuffle(shuffled)
    assert check_history(shuffled, users=4, duration=1.0) == check_history(history, users=4, duration=1.0)
    assert anomalies(check_history(shuffled, users=4, duration=1.0)) == dict.fromkeys(ANOMALIES, 0)


def test_examples_are_in_time_order_and_bounded():
    history = []
    for user in range(3):
        history += [rec(user, s, count=1, start=s * 1.0 + (2 - user) * 0.1) for s in range(10)]
    summary = check_history(history, users=3, duration=10.0, max_examples=5)
    assert summary["updates_lost"] == 27
    assert len(summary["examples"]) == 5
    starts = [e["start"] for e in summary["examples"]]
    assert starts == sorted(starts)
    assert [e["user"] for e in summary["examples"][:3]] == [2, 1, 0]
    assert check_history(history, users=3, duration=10.0, max_examples=0)["examples"] == []


def test_user_outside_the_run_is_an_error():
    with pytest.raises(ValueError, match="history names user 3, outside 0..2"):
        check_history([rec(3, 0)], users=3, duration=1.0)


# Page mode is the flow of one counter growing by 1: the checker before flows, kept here as the oracle.


def _page_reference(records):
    """The page-mode classification as it was before flows: [(seq, kind, expected, got)] of one user."""
    out = []
    session = acked = None
    for record in records:
        if record.get("outcome") != "ok":
            continue
        base, got = record["session"], record["count"]
        kind = expected = None
        if acked is None:
            if got > 1:
                kind, expected = "unacked_applied", 1
        elif base != session:
            kind, expected, got = "sessions_lost", session, base
        elif got <= acked:
            kind, expected = "updates_lost", acked + 1
        elif got > acked + 1:
            kind, expected = "unacked_applied", acked + 1
        session, acked = base, record["count"]
        if kind is not None:
            out.append((record["seq"], kind, expected, got))
    return out


def test_page_mode_classifies_as_before_flows():
    generator = random.Random(11)
    for _round in range(200):
        history = []
        for user in range(3):
            count = 0
            for seq in range(generator.randint(0, 12)):
                outcome = generator.choice(["ok"] * 5 + ["reset", "http_5xx"])
                count = max(1, count + generator.choice([1, 1, 1, 0, -1, 2, -5]))
                session = generator.choice(["A", "A", "A", "B"])
                history.append(rec(user, seq, count=count, session=session, outcome=outcome))
        summary = check_history(history, users=3, duration=2.0)
        expected = []
        for user in range(3):
            expected += [(user, *found) for found in _page_reference([r for r in history if r["user"] == user])]
        got = [(e["user"], e["seq"], e["kind"], e["expected"], e["got"]) for e in summary["examples"]]
        assert sorted(got) == sorted(expected)
        assert "steps" not in summary and all(
            set(e)
            == {"user", "seq", "start", "kind", "expected", "got", "server", "previous_server"}
            | ({"unreplicated"} if e["kind"] != "unacked_applied" else set())
            for e in summary["examples"]
        )


def frec(user, seq, step, items=None, session="S", outcome="ok", server="backend1.test"):
    """A flow-mode record of the shop flow; state {items: items} when items is given and the request was ok."""
    ok = outcome == "ok"
    return {
        "user": user,
        "seq": seq,
        "start": round(seq * 0.1 + user * 0.01, 3),
        "latency_ms": 5.0,
        "outcome": outcome,
        "status": 200 if ok else 302,
        "session": session,
        "route": "tomcat1",
        "server": server,
        "count": None,
        "new_session": False,
        "error": None if ok else "HTTP 302, expected 200",
        "step": step,
        "state": {"items": items} if ok and items is not None else None,
    }


def shopper(user, adds, session="S", first_seq=0):
    """A user's clean records: login, then add/view pairs up to adds items."""
    records = [frec(user, first_seq, "login", session=session)]
    for n in range(1, adds + 1):
        records.append(frec(user, first_seq + 2 * n - 1, "add", n, session=session))
        records.append(frec(user, first_seq + 2 * n, "view", n, session=session))
    return records


def test_flow_clean_history_has_steps_and_no_anomaly():
    history = shopper(0, 5) + shopper(1, 5, session="T")
    summary = check_history(history, users=2, duration=2.0, flow=SHOP_FLOW)
    assert set(summary) == SUMMARY_KEYS | {"steps"}
    assert anomalies(summary) == dict.fromkeys(ANOMALIES, 0)
    zero = dict.fromkeys(ANOMALIES, 0)
    assert summary["steps"] == {
        "login": {"requests": 2, "failed": 0, **zero},
        "add": {"requests": 10, "failed": 0, **zero},
        "view": {"requests": 10, "failed": 0, **zero},
    }
    assert list(summary["steps"]) == ["login", "add", "view"]


def test_flow_lost_update_names_the_step_and_the_key():
    history = shopper(0, 4)
    # The third add was answered (3) but not kept: the view after it shows 2.
    history[6]["state"] = {"items": 2}
    history[7]["state"] = {"items": 3}
    history[8]["state"] = {"items": 3}
    summary = check_history(history, users=1, duration=1.0, flow=SHOP_FLOW)
    assert anomalies(summary) == {"sessions_lost": 0, "updates_lost": 1, "unacked_applied": 0}
    (example,) = summary["examples"]
    assert example == {
        "user": 0,
        "seq": 6,
        "start": 0.6,
        "kind": "updates_lost",
        "expected": 3,
        "got": 2,
        "server": "backend1.test",
        "previous_server": "backend1.test",
        "unreplicated": False,
        "step": "view",
        "key": "items",
    }
    assert summary["steps"]["view"]["updates_lost"] == 1 and summary["steps"]["add"]["updates_lost"] == 0


def test_flow_unacked_add_is_seen_by_the_view():
    history = shopper(0, 3)
    history[3].update(outcome="reset", status=None, session=None, state=None, error="closed without response")
    history[4]["state"] = {"items": 2}  # the view after it: the reset add was applied
    history[5]["state"] = {"items": 3}
    history[6]["state"] = {"items": 3}
    summary = check_history(history, users=1, duration=1.0, flow=SHOP_FLOW)
    assert anomalies(summary) == {"sessions_lost": 0, "updates_lost": 0, "unacked_applied": 1}
    assert summary["examples"][0]["step"] == "view" and summary["examples"][0]["expected"] == 1
    assert summary["steps"]["add"]["failed"] == 1 and summary["failed_by_class"]["reset"] == 1


def test_flow_lost_session_on_a_failed_answer_then_a_new_login():
    history = shopper(0, 2)
    history.append(frec(0, 5, "add", session="NEW", outcome="other"))  # 302 to the login, a new session cookie
    history += shopper(0, 2, session="NEWER", first_seq=6)  # the login changes the ID again: not a loss
    summary = check_history(history, users=1, duration=1.0, flow=SHOP_FLOW)
    assert anomalies(summary) == {"sessions_lost": 1, "updates_lost": 0, "unacked_applied": 0}
    (example,) = summary["examples"]
    assert (example["kind"], example["step"], example["key"], example["expected"], example["got"]) == (
        "sessions_lost",
        "add",
        None,
        "S",
        "NEW",
    )
    assert summary["steps"]["login"]["requests"] == 2 and summary["steps"]["add"]["failed"] == 1


def failover(history, user, from_seq, server="backend2.test"):
    """The user's answers from from_seq on come from server (the peer, after a failover)."""
    for r in history:
        if r["user"] == user and r["seq"] >= from_seq and r["outcome"] == "ok":
            r["server"] = server
    return history


def unreplicated(summary):
    return summary["sessions_unreplicated"], summary["updates_unreplicated"]


def test_last_update_lost_at_a_failover_is_unreplicated():
    # User 1's answer 4 (count 5) came from backend1; the peer's copy lacked it, so answer 5 shows 5 again.
    history = failover(clean(), 1, 5)
    for r in history:
        if r["user"] == 1 and r["seq"] >= 5:
            r["count"] = r["seq"]
    summary = check_history(history, users=3, duration=1.0)
    assert anomalies(summary) == {"sessions_lost": 0, "updates_lost": 1, "unacked_applied": 0}
    assert unreplicated(summary) == (0, 1)
    (example,) = summary["examples"]
    assert (example["server"], example["previous_server"], example["unreplicated"]) == (
        "backend2.test",
        "backend1.test",
        True,
    )


@pytest.mark.parametrize(
    ("counts", "servers", "why"),
    [
        ((5, 6), ("backend2.test", "backend2.test"), "two updates lost, not only the last"),
        ((6, 7), ("backend1.test", "backend1.test"), "the same backend answered: a stale copy, no failover"),
        ((6, 7), (None, None), "the backend is not named: no failover can be told"),
    ],
)
def test_other_losses_are_not_unreplicated(counts, servers, why):
    history = clean()
    for r in history:
        if r["user"] == 1 and r["seq"] >= 5:
            # Acknowledged up to 5 (seq 4); seq 5 should show 6.
            r["count"] = counts[0] - 1 + r["seq"] - 5 if counts == (5, 6) else r["seq"]
            r["server"] = servers[0]
    summary = check_history(history, users=3, duration=1.0)
    assert summary["updates_lost"] == 1, why
    assert unreplicated(summary) == (0, 0), why


def test_session_created_by_the_last_request_lost_at_a_failover_is_unreplicated():
    # User 0's first answer created S0 on backend1; the peer never had it and started NEW.
    history = [rec(0, 0), rec(0, 1, count=1, session="NEW", server="backend2.test"), rec(0, 2, count=2, session="NEW")]
    history[2]["server"] = "backend2.test"
    summary = check_history(history, users=1, duration=1.0)
    assert anomalies(summary) == {"sessions_lost": 1, "updates_lost": 0, "unacked_applied": 0}
    assert unreplicated(summary) == (1, 0)


def test_flow_last_add_lost_at_a_failover_is_unreplicated_and_an_older_one_is_not():
    history = failover(shopper(0, 4), 0, 6)
    # The third add (seq 5, 3 items) was answered by backend1; the view from the peer shows 2.
    history[6]["state"] = {"items": 2}
    history[7]["state"] = {"items": 3}
    history[8]["state"] = {"items": 3}
    summary = check_history(history, users=1, duration=1.0, flow=SHOP_FLOW)
    assert anomalies(summary) == {"sessions_lost": 0, "updates_lost": 1, "unacked_applied": 0}
    assert unreplicated(summary) == (0, 1)
    # The same loss one request later: a view (seq 6, 3 items) was acknowledged after the add, so the add had had a
    # whole request's time to replicate; the next add, from the peer, shows 3 instead of 4.
    history = failover(shopper(0, 4), 0, 7)
    history[7]["state"] = {"items": 3}
    history[8]["state"] = {"items": 3}
    summary = check_history(history, users=1, duration=1.0, flow=SHOP_FLOW)
    assert summary["updates_lost"] == 1 and unreplicated(summary) == (0, 0)


def test_flow_unknown_step_is_an_error():
    with pytest.raises(ValueError, match="history names step 'pay', which the flow does not have"):
        check_history([frec(0, 0, "pay")], users=1, duration=1.0, flow=SHOP_FLOW)


def test_a_post_the_balancer_answered_5xx_is_counted_apart_a_get_is_not():
    history = shopper(0, 3)
    history[3].update(outcome="http_5xx", status=502, state=None, error="HTTP 502, expected 200")  # an add: POST
    history[4].update(outcome="http_5xx", status=504, state=None, error="HTTP 504, expected 200")  # a view: GET
    history[5]["state"] = {"items": 2}
    history[6]["state"] = {"items": 2}
    summary = check_history(history, users=1, duration=1.0, flow=SHOP_FLOW)
    assert (summary["failed"], summary["failed_not_resent"]) == (2, 1)
    history[3].update(outcome="other", status=401)  # refused by the application: not the balancer's
    assert check_history(history, users=1, duration=1.0, flow=SHOP_FLOW)["failed_not_resent"] == 0
    assert check_history(shopper(0, 2), users=1, duration=1.0)["failed_not_resent"] == 0

# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The verdict: probe observations, load bounds, timing, and malformed expectations."""

from __future__ import annotations

import pytest
from ansible_collections.sessionlab.tomcat_ha.plugins.plugin_utils._verdict import (
    VerdictError,
    describe_bound,
    expectation_cell,
    judge,
    parse_bound,
    probe_observations,
    run_verdict,
    verdict,
)


def sample(base, count, server="b1", error=None):
    return {"session_base": base, "count": count, "server": server, "error": error}


def probe(samples, distinct_sessions, failed=0, counter_continued=True):
    ok = [s for s in samples if not s["error"]]
    return {
        "samples": samples,
        "summary": {
            "succeeded": len(ok),
            "failed": failed,
            "distinct_sessions": distinct_sessions,
            "first_session": ok[0]["session_base"] if ok else None,
            "last_session": ok[-1]["session_base"] if ok else None,
            "last_count": ok[-1]["count"] if ok else None,
            "counter_continued": counter_continued,
        },
    }


BEFORE = probe([sample("A", 1), sample("A", 2), sample("A", 3)], 1)
KEPT = probe([sample("A", 4, "b2"), sample("A", 5, "b2")], 1)
LOST = probe([sample("B", 1, "b2"), sample("B", 2, "b2")], 1)
LOAD = {
    "failed": 0,
    "sessions_lost": 0,
    "updates_lost": 0,
    "unacked_applied": 1,
    "longest_stall_s": 0.8,
    "latency_ms": {"p50": 3.0, "p99": 40.0, "max": 900.0},
}
CLUSTER = {
    "promise": "nothing lost",
    "probe": {"stable_before": True, "kept_after": True},
    "load": {"failed_requests": 0, "sessions_lost": 0, "updates_lost": 0},
}


def figures(observed):
    return {name: seen for name, seen in observed.items() if not name.endswith("_detail")}


def test_probe_observations_kept_and_lost():
    assert figures(probe_observations(BEFORE, KEPT)) == {"stable_before": True, "kept_after": True}
    assert figures(probe_observations(BEFORE, LOST)) == {"stable_before": True, "kept_after": False}


def test_a_failed_probe_check_says_what_the_probe_saw():
    shaky = probe([sample("A", 1), sample(None, None, error="timed out after 5 s"), sample("B", 1)], 2, failed=1)
    result = verdict(CLUSTER, shaky, LOST)
    assert result["text"] == (
        "stable_before expected true, observed False: the quiet probe before the fault saw 2 session(s) and 1 failed"
        " request(s) of 3 (first error: timed out after 5 s); kept_after expected true, observed False: the probe"
        " during the fault saw 1 session(s) and 0 failed request(s) of 2"
    )


def test_kept_needs_the_counter_to_go_on_from_the_last_count():
    skipped = probe([sample("A", 5, "b2"), sample("A", 6, "b2")], 1)
    stale = probe([sample("A", 2, "b2"), sample("A", 3, "b2")], 1)
    assert probe_observations(BEFORE, skipped)["kept_after"] is False
    assert probe_observations(BEFORE, stale)["kept_after"] is False


def test_failures_before_make_it_unstable_and_an_all_failed_after_is_not_kept():
    shaky = probe([sample("A", 1), sample(None, None, error="HTTP 502"), sample("A", 2)], 1, failed=1)
    dead = probe([sample(None, None, error="refused")], 0, failed=1)
    assert probe_observations(shaky, KEPT)["stable_before"] is False
    assert probe_observations(BEFORE, dead)["kept_after"] is False


def test_clean_cluster_run_matches():
    result = verdict(CLUSTER, BEFORE, KEPT, LOAD, {"load_started": 100.0, "load_duration": 30.0, "restored": 120.0})
    assert result["matched"] is True, result["text"]
    assert result["failures"] == []
    judged = {c["figure"] for c in result["checks"] if c["judged"]}
    assert judged == {
        "stable_before",
        "kept_after",
        "failed_requests",
        "sessions_lost",
        "updates_lost",
        "restore_under_load",
    }
    assert result["observed"]["p99_ms"] == 40.0
    assert result["expected"]["promise"] == "nothing lost"


@pytest.mark.parametrize(
    ("figure", "value"),
    [("failed", 3), ("sessions_lost", 1), ("updates_lost", 2)],
)
def test_each_load_figure_above_its_bound_misses(figure, value):
    result = verdict(CLUSTER, BEFORE, KEPT, dict(LOAD, **{figure: value}))
    assert result["matched"] is False
    name = "failed_requests" if figure == "failed" else figure
    assert result["failures"] == [name]
    assert f"{name} expected at most 0, observed {value}" in result["text"]


ASYNC = {
    "probe": {"stable_before": True},
    "load": {"sessions_lost": None, "updates_lost": None, "sessions_lost_other": 0, "updates_lost_other": 0},
}


def lost_update(unreplicated):
    """A load summary with one lost update, unreplicated at a failover or not."""
    example = {
        "user": 7,
        "seq": 41,
        "start": 12.5,
        "kind": "updates_lost",
        "expected": 18,
        "got": 17,
        "server": "backend2",
        "previous_server": "backend1",
        "unreplicated": unreplicated,
    }
    return dict(LOAD, updates_lost=1, updates_unreplicated=int(unreplicated), examples=[example])


def test_a_loss_unreplicated_at_a_failover_is_the_only_one_an_asynchronous_cell_accepts():
    accepted = verdict(ASYNC, BEFORE, KEPT, lost_update(True))
    assert accepted["matched"] is True, accepted["text"]
    assert (accepted["observed"]["updates_lost"], accepted["observed"]["updates_lost_other"]) == (1, 0)
    missed = verdict(ASYNC, BEFORE, KEPT, lost_update(False))
    assert missed["failures"] == ["updates_lost_other"]
    assert missed["text"] == (
        "updates_lost_other expected at most 0, observed 1: the first: user 7's request 41 at 12.5 s, answered by"
        " backend2, showed counter 17 where 18 was expected (the user's last good answer came from backend1)"
    )
    # A cell without the asynchronous allowance names the same example, and says when it was unreplicated.
    strict = verdict(CLUSTER, BEFORE, KEPT, lost_update(True))
    assert strict["text"].endswith(
        "(the user's last good answer came from backend1, a loss unreplicated at the failover)"
    )


def test_a_summary_without_the_unreplicated_counts_counts_every_loss_as_other():
    observed = verdict(ASYNC, BEFORE, KEPT, dict(LOAD, sessions_lost=2))["observed"]
    assert (observed["sessions_lost_other"], observed["updates_lost_other"]) == (2, 0)


def test_a_lost_session_in_the_probe_misses_kept_after():
    result = verdict(CLUSTER, BEFORE, LOST, LOAD)
    assert result["failures"] == ["kept_after"]
    assert "kept_after expected true, observed False" in result["text"]


def test_min_bounds_and_unjudged_figures():
    sticky = {"probe": {"stable_before": True, "kept_after": False}, "load": {"sessions_lost": {"min": 1}}}
    assert verdict(sticky, BEFORE, LOST, dict(LOAD, sessions_lost=9))["matched"] is True
    missed = verdict(sticky, BEFORE, LOST, LOAD)
    assert missed["failures"] == ["sessions_lost"]
    assert "at least 1" in missed["text"]
    checks = {c["figure"]: c for c in missed["checks"]}
    assert checks["updates_lost"]["judged"] is False and checks["updates_lost"]["expected"] == "not judged"


def test_null_probe_expectation_is_reported_not_judged():
    loose = {"probe": {"stable_before": None, "kept_after": False}}
    unstable = probe([sample("A", 1), sample("B", 1)], 2)
    result = verdict(loose, unstable, LOST)
    checks = {c["figure"]: c for c in result["checks"]}
    assert result["matched"] is True
    assert checks["stable_before"]["observed"] is False and checks["stable_before"]["judged"] is False


def test_without_load_the_load_bounds_are_not_judged():
    result = verdict(CLUSTER, BEFORE, KEPT)
    assert result["matched"] is True
    assert all(not c["judged"] for c in result["checks"] if c["figure"] in ("failed_requests", "p99_ms"))


def test_a_load_that_ended_before_the_restore_misses_whatever_the_strategy():
    timing = {"load_started": 100.0, "load_duration": 30.0, "restored": 131.5}
    result = verdict({"probe": {}, "load": {}}, load=LOAD, timing=timing)
    assert result["failures"] == ["restore_under_load"]


def test_the_load_s_stop_decides_restore_under_load_on_its_own_clock():
    # The controller's wall clock ran ahead: by the timing the restore came after the load's end, yet the load saw
    # the judge's condition (written only after the restore) while it ran.
    ahead = {"load_started": 100.0, "load_duration": 33.9, "restored": 134.0}
    seen = {"asked": 29.9, "condition": {"tail": 4.0}, "served": 0, "met": 29.9, "ended_by": "condition"}
    result = verdict({"probe": {}, "load": {}}, load=LOAD, timing=ahead, stop=seen)
    assert result["observed"]["restore_under_load"] is True and result["matched"] is True, result["text"]
    # The load reached its limit without a stop file, or got the empty one a failed restore leaves: not measured.
    for stop in ({"asked": None, "met": None, "ended_by": "duration"}, dict(seen, condition={})):
        result = verdict({"probe": {}, "load": {}}, load=LOAD, timing={**ahead, "restored": 110.0}, stop=stop)
        assert result["observed"]["restore_under_load"] is False


def test_ranges_and_float_bounds():
    assert parse_bound("x", {"min": 1, "max": 3}) == (1, 3)
    assert parse_bound("x", 2.5) == (None, 2.5)
    assert parse_bound("x", None) == (None, None)
    assert describe_bound(1, 3) == "1 to 3"
    assert describe_bound(0, 0) == "exactly 0"
    assert describe_bound(None, 2.5, " s") == "at most 2.5 s"
    stall = {"load": {"longest_stall_s": 1.0}}
    assert judge(stall, {"longest_stall_s": 1.0})["matched"] is True
    assert judge(stall, {"longest_stall_s": 1.01})["matched"] is False


@pytest.mark.parametrize(
    ("expected", "message"),
    [
        ({"load": {"lost_things": 0}}, "unknown load figure 'lost_things'"),
        ({"probe": {"kept": True}}, "unknown probe figure 'kept'"),
        ({"probe": {"kept_after": "yes"}}, "probe figure kept_after must be true, false or null"),
        ({"load": {"failed_requests": "none"}}, "bound of failed_requests must be a finite number"),
        ({"load": {"failed_requests": float("nan")}}, "must be a finite number"),
        ({"load": {"failed_requests": {"atmost": 1}}}, "may only have the keys min and max"),
        ({"load": {"failed_requests": {"min": 3, "max": 1}}}, "min 3 above max 1"),
        ({"expect": {}}, "unknown expectation keys ['expect']"),
        ([], "an expectation must be a mapping"),
    ],
)
def test_malformed_expectations_are_named(expected, message):
    with pytest.raises(VerdictError, match=None) as info:
        verdict(expected, BEFORE, KEPT, LOAD)
    assert message in str(info.value)


TABLE = {
    "cluster": {
        "default": {
            "promise": "all",
            "probe": {"stable_before": True, "kept_after": True},
            "load": {"failed_requests": 0},
        },
        "freeze": {"probe": {"kept_after": None}, "load": {"updates_lost": None}},
        "httpd": {"default": {"promise": "httpd"}, "freeze": {"load": {"failed_requests": None}}},
    },
    "hash_cookie": {
        "default": {"promise": "hash", "probe": {"stable_before": None, "kept_after": False}, "load": {}},
    },
}


def test_the_cell_merges_default_fault_balancer_default_and_balancer_fault_in_that_order():
    assert expectation_cell(TABLE, "cluster", "nginx", "stop") == TABLE["cluster"]["default"]
    assert expectation_cell(TABLE, "cluster", "httpd", "freeze") == {
        "promise": "httpd",
        "probe": {"stable_before": True, "kept_after": None},
        "load": {"failed_requests": None, "updates_lost": None},
    }


@pytest.mark.parametrize(
    ("table", "strategy", "message"),
    [
        (TABLE, "sticky", "no entry for strategy 'sticky'"),
        ({"x": {"stop": {}}}, "x", "need a default cell"),
        ({"x": {"default": {}, "stop": [1]}}, "x", "must be a mapping"),
    ],
)
def test_a_table_without_the_cell_is_refused(table, strategy, message):
    with pytest.raises(VerdictError, match=message):
        expectation_cell(table, strategy, "nginx", "stop")


def topology(strategy, balancer="nginx", setting="round_robin", cluster=True):
    members = [{"host": "b1"}, {"host": "b2"}]
    return {
        "strategy": strategy,
        "balancer": balancer,
        "cluster": cluster,
        "balancer_setting": setting,
        "balancer_members": members,
    }


def test_a_run_is_judged_against_its_cell():
    after = probe([sample("A", 4), sample("A", 5)], 1)
    result = run_verdict(TABLE, topology("cluster", balancer="httpd"), "freeze", {"before": BEFORE, "after": after})
    assert result["expected"]["promise"] == "httpd"
    assert result["matched"]


def test_behind_nginx_hash_cookie_without_a_cluster_stable_before_is_the_prediction():
    """The first, cookieless request went to b1; the session stays exactly when its ID hashes to b1."""
    hashed = topology("hash_cookie", setting="hash_cookie", cluster=False)
    before = probe([sample("A", 1, server="b1"), sample("A", 2, server="b1")], 1)
    after = probe([sample("B", 1)], 1)
    keys = []

    def hash_to(server):
        def hash_key(key, members):
            keys.append((key, members))
            return {"server": server}

        return hash_key

    stays = run_verdict(TABLE, hashed, "stop", {"before": before, "after": after}, hash_key=hash_to("b1"))
    assert stays["expected"]["probe"]["stable_before"] is True and stays["matched"]
    moves = run_verdict(TABLE, hashed, "stop", {"before": before, "after": after}, hash_key=hash_to("b2"))
    assert moves["expected"]["probe"]["stable_before"] is False
    assert moves["failures"] == ["stable_before"]
    assert keys[0] == ("A", hashed["balancer_members"])


def test_the_prediction_is_not_made_with_a_cluster_or_without_a_hash():
    def never(_key, _members):
        raise AssertionError("no prediction expected")

    after = probe([sample("A", 4)], 1)
    for topo in (topology("hash_cookie", setting="hash_cookie", cluster=True), topology("cluster")):
        table = {**TABLE, topo["strategy"]: TABLE["hash_cookie"]}
        result = run_verdict(table, topo, "stop", {"before": BEFORE, "after": after}, hash_key=never)
        assert result["expected"]["probe"]["stable_before"] is None


def test_a_topology_without_its_keys_is_refused():
    with pytest.raises(VerdictError, match="the topology lacks balancer_setting"):
        run_verdict(TABLE, {"strategy": "cluster", "balancer": "nginx", "cluster": True}, "stop", {})


def stop(ended_by, served=0, server="b1", requests=5):
    return {
        "ended_by": ended_by,
        "served": served,
        "condition": {"server": server, "requests": requests},
        "limit_s": 120,
    }


def test_rejoined_is_judged_from_the_load_stop_whatever_the_strategy():
    loose = {"load": {}}
    assert verdict(loose, stop=stop("condition", 5))["matched"]
    missed = verdict(loose, stop=stop("duration", 2))
    assert missed["failures"] == ["rejoined"]
    assert (
        missed["text"]
        == "the restored backend did not rejoin within 120 s: b1 served 2 of the 5 load requests asked for"
    )
    assert verdict(loose)["observed"]["rejoined"] is None


def test_a_load_that_hit_its_limit_without_a_server_to_wait_for_says_so():
    condition_less = {"ended_by": "duration", "condition": {"tail": 3}, "limit_s": 60}
    result = verdict({"load": {}}, stop=condition_less)
    assert (
        result["text"] == "the load reached its limit before the backend was restored within 60 s and its tail had run"
    )
    with pytest.raises(VerdictError, match="stop needs ended_by"):
        verdict({"load": {}}, stop={"ended_by": "later"})


AUDIT = [
    {
        "host": "b1",
        "summary": [{"attribute": "cart", "class": "sessionlab.shop.Catalog", "kinds": {"serialize_failed": 3}}],
    },
    {
        "host": "b2",
        "summary": [{"attribute": "cart", "class": "sessionlab.shop.Catalog", "kinds": {"deserialize_failed": 1}}],
    },
]


def test_the_audit_names_each_attribute_and_class_it_could_not_replicate():
    clean = verdict({"audit": {"unreplicated_attributes": 0}}, audit=[{"host": "b1", "summary": []}])
    assert clean["matched"] and clean["observed"]["unreplicated_attributes"] == 0
    result = verdict({"audit": {"unreplicated_attributes": 0}}, audit=AUDIT)
    assert result["failures"] == ["unreplicated_attributes"]
    assert result["observed"]["unreplicated_attributes"] == 1
    assert result["text"] == (
        "session attribute cart (sessionlab.shop.Catalog): could not be serialized on b1; could not be read back on b2"
    )


def test_the_audit_is_reported_without_a_bound_and_not_judged():
    result = verdict({"load": {}}, audit=AUDIT)
    assert result["matched"] and result["observed"]["unreplicated_attributes"] == 1
    assert verdict({"load": {}})["observed"]["unreplicated_attributes"] is None
    with pytest.raises(VerdictError, match="unknown audit figure 'attributes'"):
        verdict({"audit": {"attributes": 0}})


def test_kept_after_in_flow_mode_rests_on_the_state_assertions():
    """A flow's samples have no count: the session must stay and every state assertion hold."""
    flow = {"last_count": None, "distinct_sessions": 1, "failed": 0, "last_session": "A", "first_session": "A"}
    before = {"samples": [sample("A", None)], "summary": {**flow, "succeeded": 1, "counter_continued": True}}
    after = {"samples": [sample("A", None)], "summary": {**flow, "succeeded": 1, "counter_continued": True}}
    assert probe_observations(before, after)["kept_after"] is True
    lost = {**after, "summary": {**after["summary"], "counter_continued": False}}
    assert probe_observations(before, lost)["kept_after"] is False


def test_posts_the_balancer_would_not_send_twice_are_reported_not_judged():
    load = {**LOAD, "failed": 3, "failed_not_resent": 2}
    result = verdict(CLUSTER, before=BEFORE, after=KEPT, load=load)
    assert (result["observed"]["failed_requests"], result["observed"]["failed_not_resent"]) == (1, 2)
    assert not result["matched"] and "failed_requests expected at most 0, observed 1" in result["text"]
    assert verdict(CLUSTER, before=BEFORE, after=KEPT, load={**LOAD, "failed": 2, "failed_not_resent": 2})["matched"]

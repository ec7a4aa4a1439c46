# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The verdict: what a verification observed, judged against what the strategy promises.

PRIVATE: only for this collection's own plugins (the leading underscore); the API may change without notice.
Controller code: the session_verdict filter calls it, the verification role calls that filter, and the tests
call these functions; nothing else judges, and the report renders the result without re-deriving it.

The expectations are data (playbooks/vars/expectations.yml): per strategy a default cell, cells per fault kind,
and per balancer a default and cells per fault, merged recursively in that order (expectation_cell). A cell:
  probe: {stable_before: bool|null, kept_after: bool|null}   the quiet probes before and during the fault
  load:  {metric: bound, ...}                                 the load run through the fault
  promise: the promise in words
A bound is null (reported, not judged), a number (at most that), or {min: n} / {max: n} / {min: a, max: b}.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

# The load figures a bound can name, taken from the load checker's summary, with their unit for messages.
LOAD_METRICS = {
    "failed_requests": "",
    "failed_not_resent": "",
    "sessions_lost": "",
    "updates_lost": "",
    # The losses other than those unreplicated at a failover (the load checker's sessions_unreplicated and
    # updates_unreplicated): what a cell bounds when it accepts asynchronous replication's price, and nothing more.
    "sessions_lost_other": "",
    "updates_lost_other": "",
    "unacked_applied": "",
    "longest_stall_s": " s",
    "p99_ms": " ms",
}
PROBE_METRICS = ("stable_before", "kept_after")
# What the replication audit (replication_audit on every backend) can name, with the words for each kind.
AUDIT_METRICS = ("unreplicated_attributes",)
AUDIT_KINDS = {
    "not_serializable": "refused at setAttribute, not Serializable",
    "filtered": "left out by the cluster's class filter",
    "serialize_failed": "could not be serialized",
    "deserialize_failed": "could not be read back",
}


class VerdictError(ValueError):
    """An expectation or an observation the verdict cannot read."""


def probe_observations(before, after):
    """stable_before and kept_after from two session_probe results (the second continued the first's cookies).

    stable_before: one session and no failed request before the fault.
    kept_after: during the fault the same session answered, with its counter going on from the last count
    before the fault (a route rewrite alone does not change the session).
    """
    b, a = before["summary"], after["summary"]
    first_after = next((s for s in after["samples"] if not s.get("error")), None)
    # The test page's count goes on from the last one before; a flow's state assertions (the second probe started
    # from the first's last_state) are in counter_continued.
    counted = b.get("last_count") is not None
    kept = bool(
        a["succeeded"] > 0
        and a["distinct_sessions"] == 1
        and a["first_session"] == b["last_session"]
        and a["counter_continued"]
        and first_after is not None
        and (not counted or first_after["count"] == b["last_count"] + 1)
    )
    return {
        "stable_before": bool(b["distinct_sessions"] == 1 and b["failed"] == 0),
        "kept_after": kept,
        # What each probe saw, which a failed check names (judge).
        "stable_before_detail": f"the quiet probe before the fault saw {_probe_seen(before)}",
        "kept_after_detail": f"the probe during the fault saw {_probe_seen(after)}",
    }


def _probe_seen(probe):
    """A probe's sessions, failed requests and first error, in words."""
    s = probe["summary"]
    seen = f"{s['distinct_sessions']} session(s) and {s['failed']} failed request(s) of {s['succeeded'] + s['failed']}"
    error = next((sample["error"] for sample in probe["samples"] if sample.get("error")), None)
    return f"{seen} (first error: {error})" if error else seen


def load_observations(summary):
    """The judged load figures from the load checker's summary (session_load's summary), and per loss figure a
    sentence naming its first example, which a failed check gives (judge)."""
    not_resent = summary.get("failed_not_resent", 0)
    observed = {
        "failed_requests": summary["failed"] - not_resent,
        "failed_not_resent": not_resent,
        "sessions_lost": summary["sessions_lost"],
        "updates_lost": summary["updates_lost"],
        "sessions_lost_other": summary["sessions_lost"] - summary.get("sessions_unreplicated", 0),
        "updates_lost_other": summary["updates_lost"] - summary.get("updates_unreplicated", 0),
        "unacked_applied": summary["unacked_applied"],
        "longest_stall_s": summary["longest_stall_s"],
        "p99_ms": summary["latency_ms"]["p99"],
    }
    examples = summary.get("examples") or []
    for figure in ("sessions_lost", "updates_lost", "sessions_lost_other", "updates_lost_other"):
        # An _other figure's first example is the first loss of its kind that was not unreplicated.
        kind, other = figure.replace("_other", ""), figure.endswith("_other")
        example = next((e for e in examples if e["kind"] == kind and not (other and e.get("unreplicated"))), None)
        if example is not None:
            observed[f"{figure}_detail"] = f"the first: {_example_seen(example)}"
    return observed


def _example_seen(example):
    """A load anomaly's example in words: whose answer, from which backend, showed what instead of what."""
    what = "session" if example["kind"] == "sessions_lost" else example.get("key") or "counter"
    text = (
        f"user {example['user']}'s request {example['seq']} at {example['start']:g} s, answered by "
        f"{example.get('server') or 'an unnamed backend'}, showed {what} {example['got']} where {example['expected']}"
        " was expected"
    )
    if "previous_server" in example:
        text += f" (the user's last good answer came from {example['previous_server'] or 'an unnamed backend'}"
        text += ", a loss unreplicated at the failover)" if example.get("unreplicated") else ")"
    return text


def _number(where, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise VerdictError(f"{where} must be a finite number, got {value!r}")
    return value


def parse_bound(name, bound):
    """(low, high) from a bound; (None, None) means not judged."""
    if bound is None:
        return None, None
    if isinstance(bound, dict):
        unknown = set(bound) - {"min", "max"}
        if unknown or not bound:
            raise VerdictError(f"bound of {name} may only have the keys min and max, got {bound!r}")
        low = _number(f"min of {name}", bound["min"]) if "min" in bound else None
        high = _number(f"max of {name}", bound["max"]) if "max" in bound else None
        if low is not None and high is not None and low > high:
            raise VerdictError(f"bound of {name} has min {low} above max {high}")
        return low, high
    return None, _number(f"bound of {name}", bound)


def describe_bound(low, high, unit=""):
    if low is None and high is None:
        return "not judged"
    if low is None:
        return f"at most {high:g}{unit}"
    if high is None:
        return f"at least {low:g}{unit}"
    if low == high:
        return f"exactly {low:g}{unit}"
    return f"{low:g} to {high:g}{unit}"


def check_expectation(expected):
    """Raise VerdictError when an expectation is malformed; return it normalised to {probe, load}."""
    if not isinstance(expected, dict):
        raise VerdictError(f"an expectation must be a mapping with probe and load, got {expected!r}")
    unknown = set(expected) - {"probe", "load", "audit", "promise"}
    if unknown:
        raise VerdictError(f"unknown expectation keys {sorted(unknown)}: use probe, load, audit and promise")
    probe = expected.get("probe") or {}
    load = expected.get("load") or {}
    audit = expected.get("audit") or {}
    for name, bound in audit.items():
        if name not in AUDIT_METRICS:
            raise VerdictError(f"unknown audit figure {name!r}: use one of {', '.join(AUDIT_METRICS)}")
        parse_bound(name, bound)
    for name, value in probe.items():
        if name not in PROBE_METRICS:
            raise VerdictError(f"unknown probe figure {name!r}: use one of {', '.join(PROBE_METRICS)}")
        if value is not None and not isinstance(value, bool):
            raise VerdictError(f"probe figure {name} must be true, false or null, got {value!r}")
    for name, bound in load.items():
        if name not in LOAD_METRICS:
            raise VerdictError(f"unknown load figure {name!r}: use one of {', '.join(LOAD_METRICS)}")
        parse_bound(name, bound)
    return {"probe": dict(probe), "load": dict(load), "audit": dict(audit), "promise": expected.get("promise", "")}


def audit_observations(audit):
    """unreplicated_attributes: the session attributes (by name and class) that Tomcat, on any backend, refused, left
    out or could not serialize or read back during the run, from replication_audit's summaries; with a sentence
    naming each. audit: [{host, summary}], or a loop's results of replication_audit, whose item is the host
    (None: no audit ran)."""
    if audit is None:
        return {"unreplicated_attributes": None}, None
    found = {}
    for entry in audit:
        for row in entry.get("summary") or []:
            key = (row.get("attribute"), row.get("class"))
            found.setdefault(key, []).append((entry.get("host", entry.get("item")), row.get("kinds") or {}))
    if not found:
        return {"unreplicated_attributes": 0}, None
    parts = []
    for (attribute, klass), seen in found.items():
        where = "; ".join(
            f"{' and '.join(AUDIT_KINDS.get(kind, kind) for kind in sorted(kinds))} on {host}" for host, kinds in seen
        )
        parts.append(f"session attribute {attribute or '(unnamed)'} ({klass or 'class not named'}): {where}")
    return {"unreplicated_attributes": len(found)}, "; ".join(parts)


def rejoin_observations(stop):
    """rejoined: the load's stop condition held (the restored backend served the load's requests asked for, when
    asked, and the tail ran) before the load's limit; with a sentence for the report when it did not."""
    if not stop:
        return {"rejoined": None}, None
    if stop.get("ended_by") not in ("condition", "duration", "stop_file"):
        raise VerdictError(f"stop needs ended_by (condition, duration or stop_file), got {stop.get('ended_by')!r}")
    if stop["ended_by"] == "condition":
        return {"rejoined": True}, None
    condition = stop.get("condition") or {}
    limit = f" within {stop['limit_s']:g} s" if isinstance(stop.get("limit_s"), (int, float)) else ""
    if stop["ended_by"] == "stop_file":
        detail = f"the load's stop file could not be read ({stop.get('error')})"
    elif condition.get("server"):
        detail = (
            f"the restored backend did not rejoin{limit}: {condition['server']} served {stop.get('served', 0)} of the "
            f"{condition['requests']} load requests asked for"
        )
    else:
        detail = f"the load reached its limit before the backend was restored{limit} and its tail had run"
    return {"rejoined": False}, detail


def timing_observations(timing, stop=None):
    """restore_under_load: the fault's restore finished while the load still ran (so recovery was measured).

    With the load's stop (its stop file), on the load's own clock: the judge writes a condition into the stop file
    only once the restore has finished, so the load saw one while it ran exactly when the restore came first. No
    two hosts' clocks are compared: a wall clock that steps or drifts (seen here: at least 4 s within one run on a busy
    virtual machine) cannot flip it. Without a stop, from the timing's wall clock times.
    """
    if stop and "asked" in stop:
        return {"restore_under_load": stop["asked"] is not None and bool(stop.get("condition"))}
    if not timing:
        return {"restore_under_load": None}
    for key in ("load_started", "load_duration", "restored"):
        if not isinstance(timing.get(key), (int, float)) or isinstance(timing.get(key), bool):
            raise VerdictError(f"timing needs {key} as a number of seconds, got {timing.get(key)!r}")
    return {"restore_under_load": timing["restored"] <= timing["load_started"] + timing["load_duration"]}


def _explained(check, observed):
    """check, with a failed probe or load figure's default text followed by what was seen (observed's
    <figure>_detail), when there is such a detail."""
    name = check["figure"]
    if not check["ok"] and observed.get(f"{name}_detail"):
        check["detail"] = (
            f"{name} expected {check['expected']}, observed {check['observed']}: {observed[f'{name}_detail']}"
        )
    return check


def judge(expected, observed):
    """Judge observed figures against an expectation.

    observed holds stable_before / kept_after (None when the quiet probes did not run), the load figures
    (None when no load ran), restore_under_load (None without timing) and rejoined (None without the load's
    stop). A figure observed as None is not judged. restore_under_load and rejoined are judged whenever they
    were observed: a load that ended before the restore, or before the restored backend rejoined, did not
    measure the recovery, whatever the strategy. A failed check with a detail says it in its own words.
    Returns {matched, checks, failures, text}; every check is
    {figure, expected, observed, judged, ok}, with expected in words ("at most 0", "true", "not judged").
    """
    expected = check_expectation(expected)
    checks = []
    for name in PROBE_METRICS:
        want = expected["probe"].get(name)
        seen = observed.get(name)
        judged = want is not None and seen is not None
        check = {
            "figure": name,
            "expected": "not judged" if want is None else str(want).lower(),
            "observed": seen,
            "judged": judged,
            "ok": (seen == want) if judged else True,
        }
        checks.append(_explained(check, observed))
    for name, unit in LOAD_METRICS.items():
        low, high = parse_bound(name, expected["load"].get(name))
        seen = observed.get(name)
        judged = (low is not None or high is not None) and seen is not None
        ok = True
        if judged:
            ok = (low is None or seen >= low) and (high is None or seen <= high)
        check = {
            "figure": name,
            "expected": describe_bound(low, high, unit),
            "observed": seen,
            "judged": judged,
            "ok": ok,
        }
        checks.append(_explained(check, observed))
    for name in AUDIT_METRICS:
        low, high = parse_bound(name, expected["audit"].get(name))
        seen = observed.get(name)
        judged = (low is not None or high is not None) and seen is not None
        ok = not judged or ((low is None or seen >= low) and (high is None or seen <= high))
        check = {"figure": name, "expected": describe_bound(low, high), "observed": seen, "judged": judged, "ok": ok}
        if not ok and observed.get(f"{name}_detail"):
            check["detail"] = observed[f"{name}_detail"]
        checks.append(check)
    # Whenever observed, whatever the strategy: a load that ended before the restore, or before the restored
    # backend rejoined, did not measure the recovery.
    for name in ("restore_under_load", "rejoined"):
        seen = observed.get(name)
        check = {
            "figure": name,
            "expected": "true",
            "observed": seen,
            "judged": seen is not None,
            "ok": seen is not False,
        }
        if seen is False and observed.get(f"{name}_detail"):
            check["detail"] = observed[f"{name}_detail"]
        checks.append(check)
    failures = [c for c in checks if not c["ok"]]
    if failures:
        text = "; ".join(
            c.get("detail") or f"{c['figure']} expected {c['expected']}, observed {c['observed']}" for c in failures
        )
    else:
        judged = [c["figure"] for c in checks if c["judged"]]
        text = "as expected: " + (", ".join(judged) if judged else "nothing judged")
    return {"matched": not failures, "checks": checks, "failures": [c["figure"] for c in failures], "text": text}


def verdict(expected, before=None, after=None, load=None, timing=None, stop=None, audit=None):
    """The whole verdict from raw results: two session_probe results, session_load's summary, fault timing.

    Returns judge()'s result plus observed (every figure) and expected (the normalised expectation).
    """
    observed = {name: None for name in PROBE_METRICS}
    if before is not None and after is not None:
        observed.update(probe_observations(before, after))
    observed.update({name: None for name in LOAD_METRICS})
    if load is not None:
        observed.update(load_observations(load))
    observed.update(timing_observations(timing, stop))
    for observations, (figures, detail) in (
        ("rejoined", rejoin_observations(stop)),
        ("unreplicated_attributes", audit_observations(audit)),
    ):
        observed.update(figures)
        if detail:
            observed[f"{observations}_detail"] = detail
    result = judge(expected, observed)
    result["observed"] = observed
    result["expected"] = check_expectation(expected)
    return result


# The balancers and the fault kinds a cell may name besides "default" (expectation_cell reads them).
CELL_BALANCERS = ("nginx", "httpd", "haproxy")


def _merge(base, override):
    """base with override merged in recursively (mappings merge, everything else replaces)."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def expectation_cell(expectations, strategy, balancer, fault):
    """The cell of one run: the strategy's default, its fault cell, the balancer's default, the balancer's
    fault cell, merged recursively in that order."""
    if not isinstance(expectations, Mapping) or strategy not in expectations:
        raise VerdictError(f"the expectations have no entry for strategy {strategy!r}")
    entry = expectations[strategy]
    if not isinstance(entry, Mapping) or not isinstance(entry.get("default"), Mapping):
        raise VerdictError(f"the expectations of strategy {strategy!r} need a default cell")
    per_balancer = entry.get(balancer) or {}
    cell = entry["default"]
    for layer in (entry.get(fault), per_balancer.get("default"), per_balancer.get(fault)):
        if layer is not None:
            if not isinstance(layer, Mapping):
                raise VerdictError(f"a cell of strategy {strategy!r} must be a mapping, got {layer!r}")
            cell = _merge(cell, layer)
    return cell


def predicted_stable(before, members, hash_key):
    """With a hash of the session ID and no cluster, whether the probe's session stays: the first request
    carries no cookie and goes where round robin sends it, and the session it creates stays exactly when its
    ID's base hashes (hash_key) to that same backend. None without a successful first sample."""
    first = next((s for s in before["samples"] if not s.get("error")), None)
    if first is None:
        return None
    return first["server"] == hash_key(first["session_base"], members)["server"]


def run_verdict(expectations, topology, fault, results, hash_key=None):
    """The verdict of one verification run: its cell (expectation_cell), with the probe's stability before the
    fault predicted for nginx's hash of the session cookie without a cluster (predicted_stable, with hash_key,
    the nginx_hash filter), judged against the results (verdict()).

    topology: strategy, balancer, cluster, balancer_setting and balancer_members, as the topology action
    returns them. Returns verdict()'s result; its expected holds the promise of the cell.
    """
    for key in ("strategy", "balancer", "cluster", "balancer_setting", "balancer_members"):
        if key not in topology:
            raise VerdictError(f"the topology lacks {key}")
    cell = expectation_cell(expectations, topology["strategy"], topology["balancer"], fault)
    hashed = topology["balancer"] == "nginx" and topology["balancer_setting"] == "hash_cookie"
    if hashed and not topology["cluster"] and results.get("before") is not None:
        if hash_key is None:
            raise VerdictError("a verdict behind nginx hash_cookie needs the nginx_hash prediction (hash_key)")
        stable = predicted_stable(results["before"], topology["balancer_members"], hash_key)
        cell = _merge(cell, {"probe": {"stable_before": stable}})
    return results_verdict(cell, results)


def results_verdict(expected, results):
    """verdict() of the raw results as the session_verdict filter takes them: before, after, load, timing."""
    return verdict(
        expected,
        before=results.get("before"),
        after=results.get("after"),
        load=results.get("load"),
        timing=results.get("timing"),
        stop=results.get("stop"),
        audit=results.get("audit"),
    )

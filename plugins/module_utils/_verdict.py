# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The verdict: what a verification observed, judged against what the strategy promises.

Private helper (the leading underscore): the API may change without notice.
One pure function (judge) used by the session_verdict filter in verify.yml and nowhere else: the report
renders its result and never re-derives it.

An expectation is data (playbooks/vars/expectations.yml):
  probe: {stable_before: bool|null, kept_after: bool|null}   the quiet probes before and during the fault
  load:  {metric: bound, ...}                                 the load run through the fault
A bound is null (reported, not judged), a number (at most that), or {min: n} / {max: n} / {min: a, max: b}.
"""

from __future__ import annotations

import math

# The load figures a bound can name, taken from the load checker's summary, with their unit for messages.
LOAD_METRICS = {
    "failed_requests": "",
    "sessions_lost": "",
    "updates_lost": "",
    "unacked_applied": "",
    "longest_stall_s": " s",
    "p99_ms": " ms",
}
PROBE_METRICS = ("stable_before", "kept_after")


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
    kept = bool(
        a["succeeded"] > 0
        and a["distinct_sessions"] == 1
        and a["first_session"] == b["last_session"]
        and a["counter_continued"]
        and first_after is not None
        and b["last_count"] is not None
        and first_after["count"] == b["last_count"] + 1
    )
    return {
        "stable_before": bool(b["distinct_sessions"] == 1 and b["failed"] == 0),
        "kept_after": kept,
    }


def load_observations(summary):
    """The judged load figures from the load checker's summary (session_load's summary)."""
    return {
        "failed_requests": summary["failed"],
        "sessions_lost": summary["sessions_lost"],
        "updates_lost": summary["updates_lost"],
        "unacked_applied": summary["unacked_applied"],
        "longest_stall_s": summary["longest_stall_s"],
        "p99_ms": summary["latency_ms"]["p99"],
    }


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
    unknown = set(expected) - {"probe", "load", "promise"}
    if unknown:
        raise VerdictError(f"unknown expectation keys {sorted(unknown)}: use probe, load and promise")
    probe = expected.get("probe") or {}
    load = expected.get("load") or {}
    for name, value in probe.items():
        if name not in PROBE_METRICS:
            raise VerdictError(f"unknown probe figure {name!r}: use one of {', '.join(PROBE_METRICS)}")
        if value is not None and not isinstance(value, bool):
            raise VerdictError(f"probe figure {name} must be true, false or null, got {value!r}")
    for name, bound in load.items():
        if name not in LOAD_METRICS:
            raise VerdictError(f"unknown load figure {name!r}: use one of {', '.join(LOAD_METRICS)}")
        parse_bound(name, bound)
    return {"probe": dict(probe), "load": dict(load), "promise": expected.get("promise", "")}


def timing_observations(timing):
    """restore_under_load: the fault's restore finished while the load still ran (so recovery was measured)."""
    if not timing:
        return {"restore_under_load": None}
    for key in ("load_started", "load_duration", "restored"):
        if not isinstance(timing.get(key), (int, float)) or isinstance(timing.get(key), bool):
            raise VerdictError(f"timing needs {key} as a number of seconds, got {timing.get(key)!r}")
    return {"restore_under_load": timing["restored"] <= timing["load_started"] + timing["load_duration"]}


def judge(expected, observed):
    """Judge observed figures against an expectation.

    observed holds stable_before / kept_after (None when the quiet probes did not run), the load figures
    (None when no load ran) and restore_under_load (None without timing). A figure observed as None is
    not judged. restore_under_load is judged whenever it was observed: a load that ended before the restore
    did not measure the recovery, whatever the strategy.
    Returns {matched, checks, failures, text}; every check is
    {figure, expected, observed, judged, ok}, with expected in words ("at most 0", "true", "not judged").
    """
    expected = check_expectation(expected)
    checks = []
    for name in PROBE_METRICS:
        want = expected["probe"].get(name)
        seen = observed.get(name)
        judged = want is not None and seen is not None
        checks.append(
            {
                "figure": name,
                "expected": "not judged" if want is None else str(want).lower(),
                "observed": seen,
                "judged": judged,
                "ok": (seen == want) if judged else True,
            }
        )
    for name, unit in LOAD_METRICS.items():
        low, high = parse_bound(name, expected["load"].get(name))
        seen = observed.get(name)
        judged = (low is not None or high is not None) and seen is not None
        ok = True
        if judged:
            ok = (low is None or seen >= low) and (high is None or seen <= high)
        checks.append(
            {"figure": name, "expected": describe_bound(low, high, unit), "observed": seen, "judged": judged, "ok": ok}
        )
    covered = observed.get("restore_under_load")
    checks.append(
        {
            "figure": "restore_under_load",
            "expected": "true",
            "observed": covered,
            "judged": covered is not None,
            "ok": covered is not False,
        }
    )
    failures = [c for c in checks if not c["ok"]]
    if failures:
        text = "; ".join(f"{c['figure']} expected {c['expected']}, observed {c['observed']}" for c in failures)
    else:
        judged = [c["figure"] for c in checks if c["judged"]]
        text = "as expected: " + (", ".join(judged) if judged else "nothing judged")
    return {"matched": not failures, "checks": checks, "failures": [c["figure"] for c in failures], "text": text}


def verdict(expected, before=None, after=None, load=None, timing=None):
    """The whole verdict from raw results: two session_probe results, session_load's summary, fault timing.

    Returns judge()'s result plus observed (every figure) and expected (the normalised expectation).
    """
    observed = {name: None for name in PROBE_METRICS}
    if before is not None and after is not None:
        observed.update(probe_observations(before, after))
    observed.update({name: None for name in LOAD_METRICS})
    if load is not None:
        observed.update(load_observations(load))
    observed.update(timing_observations(timing))
    result = judge(expected, observed)
    result["observed"] = observed
    result["expected"] = check_expectation(expected)
    return result

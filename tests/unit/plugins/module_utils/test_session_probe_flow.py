# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The session_probe's flow mode against the loopback shop on 127.0.0.1: one user through a login and a cart."""

from __future__ import annotations

import re

import pytest
from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils._session_probe import (
    ProbeParameterError,
    run_probe,
)
from test_session_probe import SAMPLE_KEYS as PAGE_SAMPLE_KEYS

from lab.loopback import SHOP_FLOW as SHOPPER
from lab.loopback import SHOP_LOGIN_PAGE

SAMPLE_KEYS = PAGE_SAMPLE_KEYS | {"step", "state"}
# The shopper with the login page first: the login changes the session ID the page started.
SHOP_FLOW = [SHOP_LOGIN_PAGE, *SHOPPER]


def probe(shop, **kwargs):
    kwargs.setdefault("flow", SHOP_FLOW)
    kwargs.setdefault("served_by_header", "X-Served-By")
    return run_probe(shop.base_url + "/ignored/path.jsp", **kwargs)


def test_a_user_logs_in_then_adds_and_views(shop_server):
    result = probe(shop_server, count=8, user=3, backend_names={f"127.0.0.1:{shop_server.port}": "backend1"})
    samples = result["samples"]
    assert all(set(s) == SAMPLE_KEYS for s in samples)
    assert [s["step"] for s in samples] == ["login page", "login"] + ["add", "view"] * 3
    assert [s["status"] for s in samples] == [200, 303] + [200] * 6
    assert [s["state"] for s in samples] == [None, None] + [{"items": n} for n in (1, 1, 2, 2, 3, 3)]
    assert all(s["error"] is None and s["count"] is None for s in samples)
    assert {s["server"] for s in samples} == {"backend1"}
    assert {s["addr"] for s in samples} == {f"127.0.0.1:{shop_server.port}"}
    # The login changed the session ID; the session is the one after the login.
    assert samples[0]["session_base"] != samples[1]["session_base"]
    assert len({s["session_base"] for s in samples[1:]}) == 1
    assert shop_server.logins == ["u3"]
    summary = result["summary"]
    assert summary["counter_continued"] is True
    assert (summary["succeeded"], summary["failed"], summary["distinct_sessions"], summary["session_changes"]) == (
        8,
        0,
        1,
        0,
    )
    assert (summary["first_session"], summary["last_session"]) == (samples[1]["session_base"],) * 2
    assert (summary["backends"], summary["routes"], summary["last_count"], summary["anomalies"]) == (
        ["backend1"],
        ["tomcat1"],
        None,
        [],
    )
    assert result["last_state"] == {"items": 3}
    assert result["cookies"] == {"JSESSIONID": samples[-1]["session_id"]}


def test_a_second_probe_continues_the_session_and_its_state(shop_server):
    first = probe(shop_server, count=6)
    shop_server.route, shop_server.served_by = "tomcat2", "127.0.0.9:8080"  # another node, with the session
    second = probe(shop_server, count=4, cookies=first["cookies"], state=first["last_state"])
    # Logged in already: no login, the cart goes on from 2.
    assert [s["step"] for s in second["samples"]] == ["add", "view", "add", "view"]
    assert [s["state"] for s in second["samples"]] == [{"items": n} for n in (3, 3, 4, 4)]
    assert second["summary"]["first_session"] == first["summary"]["last_session"]
    assert second["summary"]["counter_continued"] is True
    assert second["summary"]["routes"] == ["tomcat2"]
    assert second["summary"]["backends"] == ["127.0.0.9:8080"]  # unmapped: the header's own value
    assert shop_server.logins == ["u0"]


def test_a_lost_update_is_caught(shop_server):
    first = probe(shop_server, count=4)
    shop_server.lose_next = 1
    second = probe(shop_server, count=4, cookies=first["cookies"], state=first["last_state"])
    assert [s["state"] for s in second["samples"]] == [{"items": n} for n in (2, 1, 2, 2)]
    summary = second["summary"]
    assert (summary["counter_continued"], summary["counter_resets"], summary["session_changes"]) == (False, 1, 0)
    assert summary["anomalies"] == [
        {"index": 1, "step": "view", "kind": "updates_lost", "key": "items", "expected": 2, "got": 1}
    ]
    # Without the first run's state, the first value is taken as it is: the same lost update is still seen.
    shop_server.lose_next = 1
    third = probe(shop_server, count=2, cookies=first["cookies"])
    assert third["summary"]["anomalies"][0]["kind"] == "updates_lost"


def test_a_lost_session_is_counted_and_the_user_logs_in_again(shop_server):
    first = probe(shop_server, count=4)
    shop_server.forget_sessions()
    second = probe(shop_server, count=6, cookies=first["cookies"], state=first["last_state"])
    samples = second["samples"]
    assert [s["step"] for s in samples] == ["add", "login page", "login", "add", "view", "add"]
    # The shop sends an unknown session to the login with a new cookie: a failed request and a lost session.
    assert (samples[0]["status"], samples[0]["error"]) == (302, "HTTP 302, expected 200")
    assert samples[0]["cookies_set"] == ["JSESSIONID"]
    assert [s["state"] for s in samples[3:]] == [{"items": 1}, {"items": 1}, {"items": 2}]
    summary = second["summary"]
    assert (summary["session_changes"], summary["counter_continued"], summary["distinct_sessions"]) == (1, False, 1)
    assert summary["anomalies"] == [
        {
            "index": 0,
            "step": "add",
            "kind": "sessions_lost",
            "key": None,
            "expected": first["summary"]["last_session"],
            "got": samples[0]["session_base"],
        }
    ]
    assert second["summary"]["first_session"] != first["summary"]["last_session"]
    assert shop_server.logins == ["u0", "u0"]


def test_failed_requests_and_a_failed_login(shop_server):
    shop_server.fail_next = 2
    result = probe(shop_server, count=6)
    samples = result["samples"]
    # The login page failed twice (503): the login starts again each time.
    assert [s["step"] for s in samples] == ["login page", "login page", "login page", "login", "add", "view"]
    assert [s["error"] for s in samples[:2]] == ["HTTP 503, expected 200"] * 2
    assert result["summary"]["failed"] == 2
    assert result["summary"]["counter_continued"] is True


def test_head_put_and_query_reach_the_server(shop_server):
    seen = []
    original = shop_server.respond

    def respond(method, path, headers, body):
        seen.append((method, path, headers.get("Content-Type"), headers.get("X-Step"), body))
        return original(method, path, headers, body)

    shop_server.respond = respond
    flow = [
        {"path": "/login", "method": "HEAD", "query": {"u": "{user}"}, "headers": {"X-Step": "head"}},
        {"path": "/cart/x?a=1", "method": "PUT", "json": ["{user}"], "status": [302, 405]},
    ]
    result = probe(shop_server, count=2, flow=flow, user=5)
    assert [s["error"] for s in result["samples"]] == [None, None]
    assert seen == [
        ("HEAD", "/login?u=5", None, "head", b""),
        ("PUT", "/cart/x?a=1", "application/json", None, b'["5"]'),
    ]


def test_the_session_route_names_the_backend_without_a_header(shop_server):
    shop_server.served_by = None
    result = probe(shop_server, count=3, backend_names={"tomcat1": "backend1"})
    assert {s["server"] for s in result["samples"]} == {"backend1"}
    assert {s["addr"] for s in result["samples"]} == {None}
    unmapped = probe(shop_server, count=3)
    assert {s["server"] for s in unmapped["samples"]} == {None}
    assert unmapped["summary"]["backends"] == []


def test_a_state_that_is_not_found_fails_the_request(shop_server):
    flow = SHOP_FLOW[:2] + [
        {"name": "view", "path": "/cart", "state": {"key": "items", "regex": "Items: (\\d+)", "expect": "persist"}}
    ]
    result = probe(shop_server, count=3, flow=flow)
    view = result["samples"][2]
    assert (view["status"], view["state"]) == (200, None)
    assert view["error"] == "state items: regex 'Items: (\\\\d+)' found nothing in the answer"
    assert result["summary"]["counter_continued"] is True  # the two login samples succeeded, nothing was judged


def test_page_mode_takes_a_starting_count(page_server):
    first = run_probe(page_server.base_url + "/session.jsp", count=3)
    assert first["last_state"] == {"count": 3}
    second = run_probe(page_server.base_url + "/session.jsp", count=2, cookies=first["cookies"], state={"count": 3})
    assert second["summary"]["counter_continued"] is True
    page_server.stale_next = 1
    stale = run_probe(page_server.base_url + "/session.jsp", count=2, cookies=first["cookies"], state={"count": 5})
    assert [s["count"] for s in stale["samples"]] == [5, 6]
    assert stale["summary"]["counter_continued"] is False  # 5 + 1 was expected first


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"flow": [{"path": "/a", "methd": "GET"}]}, "flow step 1: unknown key 'methd': a step takes name,"),
        ({"flow": "x"}, "flow must be a list of steps, got 'x'."),
        (
            {"count": 2},
            "count 2 leaves no request for the steps that repeat after the 2 once steps: raise count above 2.",
        ),
        ({"state": {"count": 3}}, "state names 'count', which no step of the flow reads (it reads items)"),
        ({"state": {"items": "many"}}, "state 'items' must be a whole number (a step expects it to grow), got 'many'."),
        ({"user": -1}, "user must be a whole number from 0, got -1."),
        ({"served_by_header": "X Y"}, "served_by_header must be a response header name, such as X-Served-By"),
        ({"backend_names": {"a": ""}}, "backend_names maps 'a' to '': map it to a backend's name."),
        (
            {"flow": None, "state": {"items": 3}},
            "state names 'items', which no step of the flow reads (it reads count)",
        ),
    ],
)
def test_bad_flow_parameters_are_refused_before_any_request(shop_server, kwargs, message):
    arguments = {"count": 5}
    arguments.update(kwargs)
    with pytest.raises(ProbeParameterError, match="^" + re.escape(message)):
        probe(shop_server, **arguments)
    assert shop_server.requests == 0


def test_count_may_equal_the_once_steps_when_the_session_is_given(shop_server):
    first = probe(shop_server, count=3)
    second = probe(shop_server, count=1, cookies=first["cookies"])
    assert [s["step"] for s in second["samples"]] == ["add"]

# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Flows without a server: the parser's sentences, the requests of a step, state values, backends, FlowUser."""

from __future__ import annotations

import json

import pytest
from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils._session_flow import (
    FlowError,
    FlowUser,
    backend_name,
    check_answer,
    parse_flow,
    parse_served_by,
    parse_state,
    prepare,
    read_state,
    state_value,
)

from lab.loopback import SHOP_ADD, SHOP_FLOW, SHOP_VIEW

ADD = SHOP_ADD["state"]
VIEW = SHOP_VIEW["state"]
SHOP = SHOP_FLOW


def test_defaults_and_names():
    flow = parse_flow([{"path": "/a"}, {"name": "b", "path": "/b", "method": "post", "status": ["200", 201]}])
    first, second = flow.steps
    assert (first.name, first.label, first.method, first.statuses, first.once) == (
        "step 1",
        "flow step 1",
        "GET",
        frozenset({200}),
        False,
    )
    assert (second.name, second.label, second.method, second.statuses) == ("b", "flow step 2 'b'", "POST", {200, 201})
    assert flow.logins == 0 and flow.keys == set()
    assert parse_flow(None) is None and parse_flow([]) is None


def test_the_shop_flow_parses():
    flow = parse_flow(SHOP)
    assert [s.name for s in flow.steps] == ["login", "add", "view"]
    assert flow.logins == 1
    assert flow.keys == flow.int_keys == {"items"}
    assert flow.steps[2].regex.pattern == VIEW["regex"]
    assert flow.steps[1].pointer == ("cart", "items")


@pytest.mark.parametrize(
    ("flow", "message"),
    [
        ("x", "flow must be a list of steps, got 'x'."),
        (["/a"], "flow step 1 must be a mapping with at least a path, got '/a'."),
        (
            [{"name": "a"}],
            "flow step 1 'a': path must be a path on the site that starts with one /, such as /cart, got None.",
        ),
        (
            [{"path": "cart"}],
            "flow step 1: path must be a path on the site that starts with one /, such as /cart, got 'cart'.",
        ),
        ([{"path": "//evil.example/x"}], "flow step 1: path must be a path on the site that starts with one /"),
        (
            [{"path": "/a b"}],
            "flow step 1: path must be URL-encoded, without white space, control characters or #, got '/a b'.",
        ),
        ([{"path": "/a#top"}], "flow step 1: path must be URL-encoded"),
        (
            [{"path": "/a", "methd": "GET"}],
            "flow step 1: unknown key 'methd': a step takes name, method, path, query, form, json,",
        ),
        (
            [{"path": "/a", "method": "FETCH"}],
            "flow step 1: method must be one of GET, POST, PUT, PATCH, DELETE, HEAD, got 'FETCH'.",
        ),
        ([{"name": "", "path": "/a"}], "flow step 1: name must be a non-empty text, got ''."),
        (
            [{"name": "a", "path": "/a"}, {"name": "a", "path": "/b"}],
            "flow step 2 'a': the name 'a' is also flow step 1 'a''s: give every step its own name.",
        ),
        (
            [{"path": "/a", "status": 600}],
            "flow step 1: status must be an HTTP status from 100 to 599 or a list of them, got 600.",
        ),
        (
            [{"path": "/a", "status": [200, "ok"]}],
            "flow step 1: status must be an HTTP status from 100 to 599 or a list of them, got 'ok'.",
        ),
        ([{"path": "/a", "status": True}], "flow step 1: status must be an HTTP status"),
        ([{"path": "/a", "status": []}], "flow step 1: status must name at least one HTTP status, got an empty list."),
        ([{"path": "/a", "once": "maybe"}], "flow step 1: once must be true or false, got 'maybe'."),
        ([{"path": "/a", "query": ["x"]}], "flow step 1: query must be a mapping of names to values, got ['x']."),
        (
            [{"path": "/a", "method": "POST", "form": {"a": {"b": 1}}}],
            "flow step 1: form value 'a' must be a text or a number, got {'b': 1}.",
        ),
        (
            [{"path": "/a", "method": "POST", "form": {"a": 1}, "json": {"a": 1}}],
            "flow step 1: form and json are two kinds of body: give one of them.",
        ),
        (
            [{"path": "/a", "json": {"a": 1}}],
            "flow step 1: a GET request sends no body: drop form and json, or use POST.",
        ),
        ([{"path": "/a", "method": "POST", "json": float("nan")}], "flow step 1: json must be a JSON value"),
        (
            [{"path": "/a", "headers": {"X A": "1"}}],
            "flow step 1: header names must be tokens without ':' or white space, got 'X A'.",
        ),
        ([{"path": "/a", "headers": {"X-A": "1\r\nX-B: 2"}}], "flow step 1: header X-A must not hold CR or LF."),
        (
            [{"path": "/a", "state": "items"}],
            "flow step 1: state must be a mapping with key, regex or json, and expect, got 'items'.",
        ),
        (
            [{"path": "/a", "state": {**VIEW, "bogus": 1}}],
            "flow step 1: unknown state key 'bogus': use key, regex, json, expect, by.",
        ),
        (
            [{"path": "/a", "state": {"regex": "(x)", "expect": "persist"}}],
            "flow step 1: state needs a key, the name the value is kept under, got None.",
        ),
        (
            [{"path": "/a", "state": {"key": "k", "expect": "persist"}}],
            "flow step 1: state 'k' needs exactly one of regex and json",
        ),
        (
            [{"path": "/a", "state": {"key": "k", "regex": "(x)", "json": "/x", "expect": "persist"}}],
            "flow step 1: state 'k' needs exactly one of regex and json",
        ),
        (
            [{"name": "view", "path": "/a", "state": {"key": "k", "regex": "items: (\\d+", "expect": "persist"}}],
            "flow step 1 'view': state 'k' regex 'items: (\\\\d+' does not compile (missing ), unterminated "
            "subpattern at position 7): fix the pattern.",
        ),
        (
            [{"path": "/a", "state": {"key": "k", "regex": "", "expect": "persist"}}],
            "flow step 1: state 'k' regex must be a non-empty pattern, got ''.",
        ),
        (
            [{"path": "/a", "state": {"key": "k", "regex": "(\\d*)", "expect": "persist"}}],
            "flow step 1: state 'k' regex '(\\\\d*)' matches an empty answer, so it finds a value on any page: "
            "anchor it",
        ),
        (
            [{"path": "/a", "state": {"key": "k", "json": "cart/items", "expect": "persist"}}],
            "flow step 1: state json must be a JSON pointer such as /cart/items (RFC 6901), got 'cart/items'.",
        ),
        (
            [{"path": "/a", "state": {"key": "k", "json": "/a~2b", "expect": "persist"}}],
            "flow step 1: state json '/a~2b' is not a JSON pointer: '~' must be written ~0 and '/' ~1 (RFC 6901).",
        ),
        (
            [{"path": "/a", "state": {"key": "k", "json": "/a", "expect": "keep"}}],
            "flow step 1: state 'k' expect must be persist or grow, got 'keep'.",
        ),
        (
            [{"path": "/a", "state": {"key": "k", "json": "/a", "expect": "persist", "by": 1}}],
            "flow step 1: state 'k' has by, which only grow takes: drop it, or expect grow.",
        ),
        (
            [{"path": "/a", "state": {"key": "k", "json": "/a", "expect": "grow", "by": 0}}],
            "flow step 1: state 'k' by must be a positive whole number, got 0.",
        ),
        (
            [{"path": "/a", "state": {"key": "k", "json": "/a", "expect": "grow", "by": 1.5}}],
            "flow step 1: state 'k' by must be a positive whole number, got 1.5.",
        ),
        (
            [{"path": "/a", "method": "HEAD", "state": VIEW}],
            "flow step 1: a HEAD answer has no body to read state 'items' from: use GET.",
        ),
        (
            [{"name": "a", "path": "/a"}, {"name": "login", "path": "/login", "once": True}],
            "flow step 2 'login' is once but comes after flow step 1 'a', which repeats: put the once steps "
            "(the login) first.",
        ),
        (
            [{"path": "/login", "once": True}],
            "every step of the flow is once, so nothing repeats after the login: make at least one step repeat "
            "(once: false), such as flow step 1.",
        ),
        ([{"path": "/a"}] * 101, "flow must have at most 100 steps, got 101."),
    ],
)
def test_bad_flows_get_one_sentence_naming_the_step(flow, message):
    with pytest.raises(FlowError) as info:
        parse_flow(flow)
    assert str(info.value).startswith(message)


def test_prepare_renders_user_query_form_json_and_headers():
    flow = parse_flow(
        [
            {
                "path": "/u/{user}?a=1",
                "method": "POST",
                "query": {"who": "u{user}", "n": 2, "flag": True},
                "form": {"user": "u{user}", "password": "p w"},
                "headers": {"X-Step": "1"},
            },
            {"path": "/api", "method": "PUT", "json": {"user": "u{user}", "tags": ["{user}", 1, None], "{user}": "k"}},
            {"path": "/raw", "method": "POST", "json": "x", "headers": {"content-type": "text/plain"}},
        ]
    )
    method, target, body, headers = prepare(flow.steps[0], 7, {"User-Agent": "t", "X-Step": "0"})
    assert (method, target) == ("POST", "/u/7?a=1&who=u7&n=2&flag=true")
    assert body == b"user=u7&password=p+w"
    assert headers == {"User-Agent": "t", "X-Step": "1", "Content-Type": "application/x-www-form-urlencoded"}
    method, target, body, headers = prepare(flow.steps[1], 12)
    assert (method, target, headers) == ("PUT", "/api", {"Content-Type": "application/json"})
    # String values are rendered, keys are not.
    assert json.loads(body) == {"user": "u12", "tags": ["12", 1, None], "{user}": "k"}
    assert prepare(flow.steps[2], 0)[3] == {"content-type": "text/plain"}


@pytest.mark.parametrize(
    ("raw", "value"),
    [("3", 3), (" -4 ", -4), ("03", 3), ("3.0", "3.0"), ("1_000", "1_000"), ("abc", "abc"), ("", "")]
    + [(5, 5), (True, "true"), (None, "null"), (2.5, "2.5"), ({"b": 1, "a": [1]}, '{"a":[1],"b":1}')]
    + [("1" * 19, "1" * 19), ("٣", "٣")],
)
def test_state_values(raw, value):
    assert state_value(raw) == value


def _step(state):
    flow = parse_flow([{"path": "/a", "state": state}])
    return flow, flow.steps[0]


def test_read_state_by_regex():
    flow, step = _step({"key": "items", "regex": r"items: (\d+)", "expect": "grow"})
    assert read_state(flow, step, "<p>items: 12</p>") == (12, None)
    assert read_state(flow, step, "nothing") == (
        None,
        "state items: regex 'items: (\\\\d+)' found nothing in the answer",
    )
    flow, step = _step({"key": "user", "regex": "user-[a-z]+", "expect": "persist"})
    assert read_state(flow, step, "hello user-ann!") == ("user-ann", None)
    flow, step = _step({"key": "k", "regex": "a(b)?c", "expect": "persist"})
    assert read_state(flow, step, "ac")[1] == "state k: the first group of regex 'a(b)?c' took no part in the match"
    flow, step = _step({"key": "items", "regex": "items: (\\w+)", "expect": "grow"})
    assert read_state(flow, step, "items: many") == (
        None,
        "state items: 'many' is not a whole number (a step expects items to grow)",
    )


def test_read_state_by_json_pointer():
    body = json.dumps({"cart": {"items": 3, "lines": [{"sku": "a"}, {"sku": "b"}]}, "a/b": {"~x": "y"}, "": 1})
    for pointer, value in [("/cart/items", 3), ("/cart/lines/1/sku", "b"), ("/a~1b/~0x", "y"), ("/", 1)]:
        flow, step = _step({"key": "k", "json": pointer, "expect": "persist"})
        assert read_state(flow, step, body) == (value, None), pointer
    flow, step = _step({"key": "k", "json": "", "expect": "persist"})
    assert read_state(flow, step, "[1]") == ("[1]", None)
    for pointer in ("/cart/missing", "/cart/lines/2", "/cart/lines/01", "/cart/lines/-", "/cart/items/x"):
        flow, step = _step({"key": "k", "json": pointer, "expect": "persist"})
        assert read_state(flow, step, body) == (None, f"state k: JSON pointer {pointer!r} names nothing in the answer")
    assert read_state(flow, step, "<html>")[1].startswith("state k: the answer is not JSON (")
    assert read_state(flow, step, "[" * 100000)[1].startswith("state k: the answer is not JSON (maximum recursion")


def test_check_answer():
    flow = parse_flow(SHOP)
    login, add, view = flow.steps

    def never():
        pytest.fail("the body is read only for a state value")

    assert check_answer(flow, login, 303, never) == (None, None)
    assert check_answer(flow, login, 200, never) == ("HTTP 200, expected 303", None)
    assert check_answer(flow, parse_flow([{"path": "/", "status": [204, 200]}]).steps[0], 500, never) == (
        "HTTP 500, expected 200 or 204",
        None,
    )
    assert check_answer(flow, add, 200, lambda: '{"cart": {"items": 2}}') == (None, {"items": 2})
    assert check_answer(flow, view, 200, lambda: "<p>empty</p>")[0].startswith("state items: regex ")


def test_backend_names():
    names = {"10.0.0.1:8080": "backend1", "srv2": "backend2", "tomcat3": "backend3"}
    assert backend_name("10.0.0.1:8080", "tomcat3", names) == "backend1"
    assert backend_name("10.0.0.9:8080, 10.0.0.1:8080", None, names) == "backend1"  # nginx: the last one tried
    assert backend_name("10.0.0.9:8080 : 10.0.0.1:8080", None, names) == "backend1"
    assert backend_name("http://10.0.0.1:8080", None, names) == "backend1"  # httpd's worker URL
    assert backend_name("srv2", None, names) == "backend2"
    assert backend_name("srv9", "tomcat3", names) == "srv9"  # the header first, even unmapped
    assert backend_name(None, "tomcat3", names) == "backend3"
    assert backend_name(None, "tomcat9", names) is None
    assert backend_name(None, None, {}) is None


@pytest.mark.parametrize(
    ("header", "names", "message"),
    [
        ("X Served", {}, "served_by_header must be a response header name, such as X-Served-By, got 'X Served'."),
        ("X:Y", {}, "served_by_header must be a response header name"),
        (None, ["a"], "backend_names must map header values, addresses or routes to names, got ['a']."),
        (None, {"a": ""}, "backend_names maps 'a' to '': map it to a backend's name."),
        (None, {"a": None}, "backend_names maps 'a' to None: map it to a backend's name."),
    ],
)
def test_bad_served_by(header, names, message):
    with pytest.raises(FlowError, match=f"^{message}".replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        parse_served_by(header, names)


def test_served_by_ok():
    assert parse_served_by("X-Upstream", {"a:1": "b", "tomcat1": 1}) == ("X-Upstream", {"a:1": "b", "tomcat1": "1"})
    assert parse_served_by("", {}) == (None, {})


def test_parse_state():
    flow = parse_flow(
        SHOP + [{"name": "who", "path": "/me", "state": {"key": "user", "regex": "u[0-9]+", "expect": "persist"}}]
    )
    assert parse_state(flow, {"items": "4", "user": "u1"}) == {"items": 4, "user": "u1"}
    assert parse_state(None, {"count": 7}) == {"count": 7}
    assert parse_state(flow, {}) == {} and parse_state(flow, None) == {}
    with pytest.raises(
        FlowError, match=r"^state names 'count', which no step of the flow reads \(it reads items, user\)"
    ):
        parse_state(flow, {"count": 3})
    with pytest.raises(
        FlowError, match=r"^state 'items' must be a whole number \(a step expects it to grow\), got 'x'\.$"
    ):
        parse_state(flow, {"items": "x"})
    with pytest.raises(FlowError, match="^state must be a mapping of state keys to values"):
        parse_state(flow, ["items"])


# FlowUser: a shop user's answers, as (step, session, values, ok) -> anomalies, next step.


def walk(user, answers):
    """Feed answers (step name, session, values, ok) to user; return [(anomalies, next step name)]."""
    out = []
    for name, session, values, ok in answers:
        assert user.next_step().name == name, (name, user.next_step().name)
        step = user.flow.by_name[name]
        found = user.observe(step, session, values[step.key] if values else None, ok)
        out.append((list(found), user.next_step().name))
    return out


def test_a_clean_user_logs_in_once_then_repeats():
    user = FlowUser(parse_flow(SHOP))
    steps = walk(
        user,
        [
            ("login", "B", None, True),
            ("add", "B", {"items": 1}, True),
            ("view", "B", {"items": 1}, True),
            ("add", "B", {"items": 2}, True),
            ("view", "B", {"items": 2}, True),
        ],
    )
    assert steps == [([], "add"), ([], "view"), ([], "add"), ([], "view"), ([], "add")]
    assert (user.session, user.state) == ("B", {"items": 2})


def test_a_login_may_change_the_session_id():
    flow = parse_flow([{"name": "form", "path": "/login", "once": True}] + SHOP)
    user = FlowUser(flow)
    steps = walk(user, [("form", "A", None, True), ("login", "B", None, True), ("add", "B", {"items": 1}, True)])
    assert [found for found, _next in steps] == [[], [], []]
    assert user.session == "B"


def test_a_failed_login_starts_the_login_again():
    flow = parse_flow([{"name": "form", "path": "/login", "once": True}] + SHOP)
    user = FlowUser(flow)
    steps = walk(user, [("form", "A", None, True), ("login", None, None, False), ("form", "A", None, True)])
    assert [name for _found, name in steps] == ["login", "form", "login"]
    assert user.session is None


def test_a_lost_session_counts_once_clears_the_state_and_logs_in_again():
    user = FlowUser(parse_flow(SHOP))
    steps = walk(
        user,
        [
            ("login", "B", None, True),
            ("add", "B", {"items": 1}, True),
            # Another node without the session: a new one, and a redirect to the login (a failed request).
            ("view", "C", None, False),
            ("login", "D", None, True),
            ("add", "D", {"items": 1}, True),
            ("view", "D", {"items": 1}, True),
        ],
    )
    assert steps[2] == ([("sessions_lost", None, "B", "C")], "login")
    assert all(found == [] for found, _next in steps[3:])
    assert (user.session, user.state) == ("D", {"items": 1})


def test_a_failed_request_without_an_answer_says_nothing_about_the_session():
    user = FlowUser(parse_flow(SHOP))
    steps = walk(
        user,
        [
            ("login", "B", None, True),
            ("add", None, None, False),
            ("view", "B", {"items": 0}, True),
            ("add", "B", {"items": 1}, True),
        ],
    )
    assert [found for found, _next in steps] == [[], [], [], []]


def test_no_once_steps_the_first_session_is_the_users():
    user = FlowUser(parse_flow(SHOP[1:]))
    steps = walk(
        user, [("add", "A", {"items": 5}, True), ("view", "A", {"items": 5}, True), ("add", "B", {"items": 1}, True)]
    )
    assert steps[0] == ([], "view")
    assert steps[2] == ([("sessions_lost", None, "A", "B")], "add")
    assert user.state == {"items": 1}


@pytest.mark.parametrize(
    ("state", "last", "got", "anomaly"),
    [
        (ADD, 3, 4, None),
        (ADD, 3, 3, ("updates_lost", "items", 4, 3)),
        (ADD, 3, 1, ("updates_lost", "items", 4, 1)),
        (ADD, 3, 6, ("unacked_applied", "items", 4, 6)),
        ({**ADD, "by": 2}, 3, 4, ("updates_lost", "items", 5, 4)),
        ({**ADD, "by": None}, 3, 9, None),
        ({**ADD, "by": None}, 3, 3, ("updates_lost", "items", "more than 3", 3)),
        (VIEW, 3, 3, None),
        (VIEW, 3, 2, ("updates_lost", "items", 3, 2)),
        (VIEW, 3, 4, ("unacked_applied", "items", 3, 4)),
        (VIEW, "red", "red", None),
        (VIEW, "red", "blue", ("updates_lost", "items", "red", "blue")),
        (VIEW, 3, "3x", ("updates_lost", "items", 3, "3x")),
    ],
)
def test_expectations(state, last, got, anomaly):
    flow = parse_flow([{"name": "s", "path": "/a", "state": {k: v for k, v in state.items() if v is not None}}])
    user = FlowUser(flow, session="A", state={"items": last})
    found = user.observe(flow.steps[0], "A", got, True)
    assert list(found) == ([anomaly] if anomaly else [])
    assert user.state == {"items": got}  # the value shown is the one the next is judged against


def test_a_given_session_is_logged_in_and_a_given_state_is_judged():
    flow = parse_flow(SHOP)
    user = FlowUser(flow, session="B", state={"items": 4})
    assert user.next_step().name == "add"
    assert user.observe(flow.steps[1], "B", 6, True) == [("unacked_applied", "items", 5, 6)]
    # Without a state, the first value of a key is taken as it is.
    fresh = FlowUser(flow, session="B")
    assert fresh.observe(flow.steps[1], "B", 6, True) == ()

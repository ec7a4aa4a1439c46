# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Flows: the steps a user takes through an application, and what the answers must show.

Private helper (the leading underscore): the API may change without notice.
Pure code shared by the session_probe and session_load engines and the load checker: the parser that turns the
flow option into steps (one sentence naming the step for bad input), the requests of a step for one user, the
reading of a state value from an answer, the backend that served it, and FlowUser, the one place that decides
where a user goes next, which session it holds and what its answers must show.
Kept compatible with the oldest target Python ansible-core supports (no match statements, no X | Y types).
"""

from __future__ import annotations

import json
import math
import re
from urllib.parse import urlencode

from ansible.module_utils.parsing.convert_bool import BOOLEANS_FALSE, BOOLEANS_TRUE

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")
STEP_KEYS = ("name", "method", "path", "query", "form", "json", "headers", "status", "once", "state")
STATE_KEYS = ("key", "regex", "json", "expect", "by")
EXPECTS = ("persist", "grow")
# The literal text replaced by the user's number in a step's path, query, form and JSON string values.
USER = "{user}"
MAX_STEPS = 100
# The options of both modules that take a flow (their documentation: the session_flow doc fragment).
FLOW_ARGUMENT_SPEC = {
    "flow": {"type": "list", "elements": "dict", "default": []},
    "served_by_header": {"type": "str"},
    "backend_names": {"type": "dict", "default": {}},
}
_BAD_PATH_CHARS = re.compile(r"[\x00-\x20\x7f#]")
_INTEGER = re.compile(r"\s*[+-]?[0-9]{1,18}\s*\Z")
_FORM_TYPE = "application/x-www-form-urlencoded"
_JSON_TYPE = "application/json"


class FlowError(ValueError):
    """A flow (or a flow option) the engines cannot run: one sentence naming the step and the fix."""


def flow_options(params):
    """The flow options of a module's params, as the probe and the load engine take them."""
    return {
        "flow": params["flow"],
        "served_by_header": params["served_by_header"],
        "backend_names": params["backend_names"],
    }


class Step:
    """One parsed step; see parse_flow. key is None for a step without a state assertion."""

    __slots__ = (
        "index",
        "name",
        "label",
        "method",
        "path",
        "query",
        "form",
        "json",
        "has_json",
        "headers",
        "statuses",
        "once",
        "key",
        "regex",
        "pointer",
        "expect",
        "by",
    )

    def __init__(self, index=0, name=None, key=None, expect=None, by=None, once=False):
        self.index = index
        self.name = name
        # How messages name the step: its number, and its name when the flow gave one.
        self.label = f"flow step {index + 1}"
        self.method = "GET"
        self.path = "/"
        self.query = []
        self.form = None
        self.json = None
        self.has_json = False
        self.headers = {}
        self.statuses = frozenset((200,))
        self.once = once
        self.key = key
        self.regex = None
        self.pointer = None
        self.expect = expect
        self.by = by


class Flow:
    """Parsed steps: the once steps (the login) first, then the steps that repeat."""

    __slots__ = ("steps", "by_name", "logins", "keys", "int_keys")

    def __init__(self, steps):
        self.steps = steps
        self.by_name = {step.name: step for step in steps}
        self.logins = sum(1 for step in steps if step.once)
        self.keys = {step.key for step in steps if step.key is not None}
        # A key that a step expects to grow is compared as a number by every step that names it.
        self.int_keys = {step.key for step in steps if step.expect == "grow"}


# Page mode as a flow: one step that repeats, the page's counter growing by one from 0 in a new session.
PAGE_FLOW = Flow([Step(key="count", expect="grow", by=1)])
PAGE_START = {"count": 0}


def _text(where, value):
    """A query or form value as text; FlowError for what has no single text form."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return str(value)
    raise FlowError(f"{where} must be a text or a number, got {value!r}.")


def _pairs(label, name, value):
    if not isinstance(value, dict):
        raise FlowError(f"{label}: {name} must be a mapping of names to values, got {value!r}.")
    return [(str(key), _text(f"{label}: {name} value {key!r}", item)) for key, item in value.items()]


def _bool(label, name, value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in BOOLEANS_TRUE | BOOLEANS_FALSE:
        return value.lower() in BOOLEANS_TRUE
    raise FlowError(f"{label}: {name} must be true or false, got {value!r}.")


def _statuses(label, value):
    values = value if isinstance(value, list) else [value]
    statuses = set()
    for item in values:
        number = item
        if isinstance(item, str) and item.strip().isdigit():
            number = int(item)
        if isinstance(number, bool) or not isinstance(number, int) or not 100 <= number <= 599:
            raise FlowError(f"{label}: status must be an HTTP status from 100 to 599 or a list of them, got {item!r}.")
        statuses.add(number)
    if not statuses:
        raise FlowError(f"{label}: status must name at least one HTTP status, got an empty list.")
    return frozenset(statuses)


def header_problem(name, value):
    """Why a request header cannot be sent (a sentence fragment), or None."""
    if not isinstance(name, str) or not name.strip() or ":" in name or any(c.isspace() for c in name):
        return f"header names must be tokens without ':' or white space, got {name!r}"
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        return f"header {name} must have a text value, got {value!r}"
    if "\r" in str(value) or "\n" in str(value):
        return f"header {name} must not hold CR or LF"
    return None


def _headers(label, value):
    if not isinstance(value, dict):
        raise FlowError(f"{label}: headers must be a mapping of header names to values, got {value!r}.")
    headers = {}
    for name, item in value.items():
        problem = header_problem(name, item)
        if problem:
            raise FlowError(f"{label}: {problem}.")
        headers[name] = str(item)
    return headers


def _pointer(label, value):
    """The reference tokens of an RFC 6901 JSON pointer ('' is the whole document)."""
    if not isinstance(value, str) or (value and not value.startswith("/")):
        raise FlowError(f"{label}: state json must be a JSON pointer such as /cart/items (RFC 6901), got {value!r}.")
    tokens = []
    for token in value.split("/")[1:]:
        if re.search(r"~(?![01])", token):
            raise FlowError(
                f"{label}: state json {value!r} is not a JSON pointer: '~' must be written ~0 and '/' ~1 (RFC 6901)."
            )
        tokens.append(token.replace("~1", "/").replace("~0", "~"))
    return tuple(tokens)


def _state(step, value):
    label = step.label
    if not isinstance(value, dict):
        raise FlowError(f"{label}: state must be a mapping with key, regex or json, and expect, got {value!r}.")
    unknown = [key for key in value if key not in STATE_KEYS]
    if unknown:
        raise FlowError(f"{label}: unknown state key {unknown[0]!r}: use {', '.join(STATE_KEYS)}.")
    key = value.get("key")
    if not isinstance(key, str) or not key:
        raise FlowError(f"{label}: state needs a key, the name the value is kept under, got {key!r}.")
    if ("regex" in value) == ("json" in value):
        raise FlowError(f"{label}: state {key!r} needs exactly one of regex and json, to find its value in the answer.")
    if step.method == "HEAD":
        raise FlowError(f"{label}: a HEAD answer has no body to read state {key!r} from: use GET.")
    if "regex" in value:
        pattern = value["regex"]
        if not isinstance(pattern, str) or not pattern:
            raise FlowError(f"{label}: state {key!r} regex must be a non-empty pattern, got {pattern!r}.")
        try:
            step.regex = re.compile(pattern)
        except re.error as exc:
            raise FlowError(
                f"{label}: state {key!r} regex {pattern!r} does not compile ({exc}): fix the pattern."
            ) from exc
        if step.regex.search(""):
            raise FlowError(
                f"{label}: state {key!r} regex {pattern!r} matches an empty answer, so it finds a value on any page: "
                "anchor it to the text around the value."
            )
    else:
        step.pointer = _pointer(label, value["json"])
    expect = value.get("expect")
    if expect not in EXPECTS:
        raise FlowError(f"{label}: state {key!r} expect must be persist or grow, got {expect!r}.")
    by = value.get("by")
    if by is not None:
        if expect != "grow":
            raise FlowError(f"{label}: state {key!r} has by, which only grow takes: drop it, or expect grow.")
        if isinstance(by, bool) or not isinstance(by, int) or by < 1:
            raise FlowError(f"{label}: state {key!r} by must be a positive whole number, got {by!r}.")
    step.key, step.expect, step.by = key, expect, by


def _step(index, value):
    if not isinstance(value, dict):
        raise FlowError(f"flow step {index + 1} must be a mapping with at least a path, got {value!r}.")
    name = value.get("name")
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise FlowError(f"flow step {index + 1}: name must be a non-empty text, got {name!r}.")
    step = Step(index, name or f"step {index + 1}")
    if name:
        step.label += f" {name!r}"
    label = step.label
    unknown = [key for key in value if key not in STEP_KEYS]
    if unknown:
        raise FlowError(f"{label}: unknown key {unknown[0]!r}: a step takes {', '.join(STEP_KEYS)}.")
    method = value.get("method") or "GET"
    if not isinstance(method, str) or method.upper() not in METHODS:
        raise FlowError(f"{label}: method must be one of {', '.join(METHODS)}, got {method!r}.")
    step.method = method.upper()
    path = value.get("path")
    if not isinstance(path, str) or not path.startswith("/") or path.startswith("//"):
        raise FlowError(
            f"{label}: path must be a path on the site that starts with one /, such as /cart, got {path!r}."
        )
    if _BAD_PATH_CHARS.search(path):
        raise FlowError(
            f"{label}: path must be URL-encoded, without white space, control characters or #, got {path!r}."
        )
    step.path = path
    if value.get("query") is not None:
        step.query = _pairs(label, "query", value["query"])
    if value.get("form") is not None and value.get("json") is not None:
        raise FlowError(f"{label}: form and json are two kinds of body: give one of them.")
    if value.get("form") is not None:
        step.form = _pairs(label, "form", value["form"])
    if value.get("json") is not None:
        step.json, step.has_json = value["json"], True
        try:
            json.dumps(step.json, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise FlowError(f"{label}: json must be a JSON value ({exc}).") from exc
    if (step.form is not None or step.has_json) and step.method in ("GET", "HEAD"):
        raise FlowError(f"{label}: a {step.method} request sends no body: drop form and json, or use POST.")
    if value.get("headers") is not None:
        step.headers = _headers(label, value["headers"])
    if value.get("status") is not None:
        step.statuses = _statuses(label, value["status"])
    if value.get("once") is not None:
        step.once = _bool(label, "once", value["once"])
    if value.get("state") is not None:
        _state(step, value["state"])
    return step


def parse_flow(value):
    """The Flow of the flow option, or None for page mode (no steps). FlowError names the step and the fix."""
    if value is None or (isinstance(value, list) and not value):
        return None
    if not isinstance(value, list):
        raise FlowError(f"flow must be a list of steps, got {value!r}.")
    if len(value) > MAX_STEPS:
        raise FlowError(f"flow must have at most {MAX_STEPS} steps, got {len(value)}.")
    steps = [_step(index, item) for index, item in enumerate(value)]
    seen = {}
    for step in steps:
        if step.name in seen:
            raise FlowError(
                f"{step.label}: the name {step.name!r} is also {seen[step.name].label}'s: give every step its own name."
            )
        seen[step.name] = step
    for before, step in (steps[i - 1 : i + 1] for i in range(1, len(steps))):
        if step.once and not before.once:
            raise FlowError(
                f"{step.label} is once but comes after {before.label}, which repeats: put the once steps "
                "(the login) first."
            )
    if all(step.once for step in steps):
        raise FlowError(
            f"every step of the flow is once, so nothing repeats after the login: make at least one step repeat "
            f"(once: false), such as {steps[-1].label}."
        )
    return Flow(steps)


def state_value(raw):
    """A state value as it is kept and compared: an int when the text is a whole number, else the text.

    JSON values that are not text: true/false/null as those words, numbers and structures as compact JSON.
    """
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str):
        return int(raw) if _INTEGER.match(raw) else raw
    if raw is None:
        return "null"
    return json.dumps(raw, sort_keys=True, separators=(",", ":"))


def parse_state(flow, value):
    """The probe's starting state (a run's last_state): {key: value}; FlowError for a key or value it cannot use."""
    if not value:
        return {}
    if not isinstance(value, dict):
        raise FlowError(
            f"state must be a mapping of state keys to values (an earlier run's last_state), got {value!r}."
        )
    keys = flow.keys if flow is not None else PAGE_FLOW.keys
    state = {}
    for key, item in value.items():
        if key not in keys:
            raise FlowError(
                f"state names {key!r}, which no step of the flow reads (it reads {', '.join(sorted(keys)) or 'none'}): "
                "pass the last_state of a run with the same flow."
            )
        state[key] = state_value(item)
        if key in (flow or PAGE_FLOW).int_keys and not isinstance(state[key], int):
            raise FlowError(f"state {key!r} must be a whole number (a step expects it to grow), got {item!r}.")
    return state


def _replace_user(value, user):
    if isinstance(value, str):
        return value.replace(USER, user)
    if isinstance(value, list):
        return [_replace_user(item, user) for item in value]
    if isinstance(value, dict):
        return {key: _replace_user(item, user) for key, item in value.items()}
    return value


def _has_header(headers, name):
    name = name.lower()
    return any(key.lower() == name for key in headers)


def prepare(step, user, headers=None):
    """(method, target, body bytes or None, headers) of step for user number user; computed once per user."""
    user = str(user)
    target = step.path.replace(USER, user)
    if step.query:
        query = urlencode([(key, value.replace(USER, user)) for key, value in step.query])
        target += ("&" if "?" in target else "?") + query
    request_headers = dict(headers or {})
    request_headers.update(step.headers)
    body = None
    if step.form is not None:
        body = urlencode([(key, value.replace(USER, user)) for key, value in step.form]).encode("utf-8")
        content_type = _FORM_TYPE
    elif step.has_json:
        body = json.dumps(_replace_user(step.json, user), separators=(",", ":")).encode("utf-8")
        content_type = _JSON_TYPE
    if body is not None and not _has_header(request_headers, "Content-Type"):
        request_headers["Content-Type"] = content_type
    return step.method, target, body, request_headers


def _resolve(data, tokens):
    for token in tokens:
        if isinstance(data, dict) and token in data:
            data = data[token]
        elif isinstance(data, list) and re.match(r"(0|[1-9][0-9]*)\Z", token) and int(token) < len(data):
            data = data[int(token)]
        else:
            raise KeyError(token)
    return data


def _pointer_text(tokens):
    return "".join("/" + token.replace("~", "~0").replace("/", "~1") for token in tokens)


def read_state(flow, step, text):
    """(value, error) of step's state in an answer's text; error is one sentence when there is no value."""
    key = step.key
    if step.regex is not None:
        match = step.regex.search(text)
        if match is None:
            return None, f"state {key}: regex {step.regex.pattern!r} found nothing in the answer"
        raw = match.group(1) if step.regex.groups else match.group(0)
        if raw is None:
            return None, f"state {key}: the first group of regex {step.regex.pattern!r} took no part in the match"
        value = state_value(raw)
    else:
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            return None, f"state {key}: the answer is not JSON ({exc})"
        try:
            value = state_value(_resolve(data, step.pointer))
        except KeyError:
            return None, f"state {key}: JSON pointer {_pointer_text(step.pointer)!r} names nothing in the answer"
    if key in flow.int_keys and not isinstance(value, int):
        return None, f"state {key}: {value!r} is not a whole number (a step expects {key} to grow)"
    return value, None


def check_answer(flow, step, status, text_of):
    """(error, state) of an answer to step: error None when it succeeded, state {key: value} or None.

    text_of() returns the answer's text; it is called only when the step reads a state value.
    """
    if status not in step.statuses:
        expected = " or ".join(str(s) for s in sorted(step.statuses))
        return f"HTTP {status}, expected {expected}", None
    if step.key is None:
        return None, None
    value, error = read_state(flow, step, text_of())
    if error:
        return error, None
    return None, {step.key: value}


def _host_port(value):
    # httpd's BALANCER_WORKER_NAME is the worker's URL (http://10.0.0.3:8080): its address:port is the name.
    if "://" in value:
        value = value.split("://", 1)[1].split("/", 1)[0]
    return value


def backend_name(served_by, route, names):
    """The backend that served an answer: the served-by header's value (mapped), else the session route (mapped).

    nginx's $upstream_addr lists every upstream it tried ("a:8080, b:8080"); the last one answered.
    Returns None when there is no header and the route is not mapped.
    """
    if served_by:
        value = served_by.rsplit(",", 1)[-1].rsplit(" : ", 1)[-1].strip()
        if value in names:
            return names[value]
        address = _host_port(value)
        return names.get(address, value)
    if route and route in names:
        return names[route]
    return None


def parse_served_by(served_by_header, backend_names):
    """(served_by_header, backend_names as {text: text}) checked; FlowError for what cannot be used."""
    # An empty name is no header, as with Jinja's default('').
    if served_by_header not in (None, "") and (
        not isinstance(served_by_header, str) or header_problem(served_by_header, "") is not None
    ):
        raise FlowError(
            f"served_by_header must be a response header name, such as X-Served-By, got {served_by_header!r}."
        )
    if not isinstance(backend_names, dict):
        raise FlowError(f"backend_names must map header values, addresses or routes to names, got {backend_names!r}.")
    names = {}
    for key, value in backend_names.items():
        if not isinstance(value, (str, int)) or isinstance(value, bool) or str(value) == "":
            raise FlowError(f"backend_names maps {key!r} to {value!r}: map it to a backend's name.")
        names[str(key)] = str(value)
    return served_by_header or None, names


def _judge(step, last, got):
    """(kind, expected) of a value against the last acknowledged one; kind is None when the expectation holds."""
    numbers = isinstance(last, int) and isinstance(got, int)
    if step.expect == "persist":
        if numbers:
            kind = "updates_lost" if got < last else "unacked_applied" if got > last else None
        else:
            kind = None if str(got) == str(last) else "updates_lost"
        return kind, last
    if not numbers:
        return None, None
    if step.by is None:
        return ("updates_lost" if got <= last else None), f"more than {last}"
    expected = last + step.by
    return ("updates_lost" if got < expected else "unacked_applied" if got > expected else None), expected


class FlowUser:
    """One user's way through a flow: the step it takes next, the session it holds, the values it was shown.

    The engines ask it for the next step and tell it every answer; the load checker replays a history through a
    fresh one, so the engine and the checker agree on every lost session.
    - The once steps (the login) run first. Logging in may change the session ID (applications do, against
      session fixation), so the session is not judged on them; it is the one the cookie names when the last once
      step succeeds. A once step that fails starts the login again.
    - On a step that repeats, an answer whose session base differs from the user's is a lost session: the user
      follows the new session, forgets every state value and starts again from the first step.
    - A state value is judged against the last value this user saw for its key: persist must equal it, grow
      must exceed it (by exactly `by` when given). The first value of a key in a session is taken as it is.
    """

    __slots__ = ("flow", "position", "session", "state")

    def __init__(self, flow, session=None, state=None):
        self.flow = flow
        self.session = session
        self.state = dict(state) if state else {}
        # A session given at the start is logged in already: it starts at the first step that repeats.
        self.position = flow.logins if session is not None else 0

    def next_step(self):
        return self.flow.steps[self.position]

    def observe(self, step, session, value, ok):
        """Take the answer to step; return its anomalies as (kind, key, expected, got) tuples.

        session: the session base after the answer (None without an answer or a session cookie).
        value: the value of step's state key the answer showed, or None. ok: the answer succeeded.
        """
        # Written for speed: the load checker replays every request of a run through here.
        anomalies = ()
        restart = False
        if session is not None and session != self.session and not step.once:
            if self.session is None:
                self.session = session
            else:
                anomalies = [("sessions_lost", None, self.session, session)]
                self.session = session
                self.state = {}
                restart = True
        if value is not None:
            state = self.state
            last = state.get(step.key)
            # The common case first: a counter that grew by exactly `by`.
            by = step.by
            grew_by = by is not None and value.__class__ is int and last.__class__ is int and value == last + by
            if last is not None and not grew_by:
                kind, expected = _judge(step, last, value)
                if kind is not None:
                    anomalies = [*anomalies, (kind, step.key, expected, value)]
            state[step.key] = value
        if restart or (step.once and not ok):
            self.position = 0
            return anomalies
        position = step.index + 1
        if step.once and position == self.flow.logins and session is not None:
            self.session = session
        self.position = position if position < len(self.flow.steps) else self.flow.logins
        return anomalies


def summarize_flow(samples, flow, anomalies):
    """The probe's summary in flow mode (the keys of page mode's summarize); see the module's RETURN.

    Sessions are counted on the steps that repeat: logging in may change the session ID.
    """
    ok = [s for s in samples if not s.get("error")]
    repeating = [s for s in ok if s["session_base"] is not None and not flow.by_name[s["step"]].once]
    sessions = []
    backends = []
    routes = []
    for sample in ok:
        if sample["server"] is not None and sample["server"] not in backends:
            backends.append(sample["server"])
        if sample["session_route"] is not None and sample["session_route"] not in routes:
            routes.append(sample["session_route"])
    for sample in repeating:
        if sample["session_base"] not in sessions:
            sessions.append(sample["session_base"])
    kinds = [a["kind"] for a in anomalies]
    return {
        "requests": len(samples),
        "succeeded": len(ok),
        "failed": len(samples) - len(ok),
        "distinct_sessions": len(sessions),
        "distinct_backends": len(backends),
        "backends": backends,
        "session_changes": kinds.count("sessions_lost"),
        "counter_continued": bool(ok) and not anomalies,
        "counter_resets": kinds.count("updates_lost"),
        "routes": routes,
        "first_session": repeating[0]["session_base"] if repeating else None,
        "last_session": repeating[-1]["session_base"] if repeating else None,
        "last_count": None,
        "anomalies": anomalies[:50],
    }

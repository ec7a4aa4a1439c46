# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Load engine of the session_load module: open-loop virtual users, callable without AnsibleModule.

Private helper (the leading underscore): the API may change without notice.
Standard library only (http.client, ssl, threading): per request there is one connection (or one reused
persistent connection), one parse of the page and one record, nothing else, so that one client sustains
hundreds of requests per second. The checker (_load_check.check_history) turns the records into the summary.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import math
import os
import random
import socket
import ssl
import threading
import time
from urllib.parse import urlsplit

from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils._load_check import check_history, percentile
from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils._session_flow import (
    FlowError,
    FlowUser,
    backend_name,
    check_answer,
    parse_flow,
    parse_served_by,
    prepare,
)
from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils._session_page import (
    PageError,
    ca_path_problem,
    decode_body,
    parse_page,
    split_session_id,
)
from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils._session_probe import (
    _error_text,
    apply_set_cookies,
)

USER_AGENT = "sessionlab-session-load/1"
MAX_USERS = 500
MAX_RATE = 2000.0
MAX_RATE_PER_USER = 100.0
MAX_DURATION = 3600.0
MAX_REQUESTS = 200000
# After t0 + duration + timeout the run stops waiting: a request still outstanding then is recorded as a
# timeout and its socket is shut down. Every request has its own deadline (start + timeout) before that.
GRACE_S = 0.25
# How often the run looks for its stop_file.
STOP_FILE_POLL_S = 0.1
_RESET_TEXTS = (
    (http.client.RemoteDisconnected, "closed without response"),
    (http.client.IncompleteRead, "closed before the end of the response"),
    (BrokenPipeError, "broken pipe"),
    (ConnectionAbortedError, "connection aborted"),
    (ConnectionResetError, "connection reset"),
    (ssl.SSLEOFError, "TLS connection closed without response"),
)


class LoadParameterError(ValueError):
    """A parameter the load engine cannot work with (one sentence naming the parameter and the fix)."""


def _number(name, value, unit, high=None):
    """value as a float when it is a finite number above 0 (and at most high); else LoadParameterError."""
    bound = f" and at most {high:g}" if high is not None else ""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        valid = False
    else:
        valid = value > 0 and (high is None or value <= high)
    if not valid:
        raise LoadParameterError(f"{name} must be a finite number of {unit} above 0{bound}, got {value!r}.")
    return float(value)


def _target(url):
    """(scheme, host, port, path) of an absolute http(s) URL; LoadParameterError otherwise."""
    if not isinstance(url, str):
        raise LoadParameterError(f"url must be an absolute http:// or https:// URL, got {url!r}.")
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise LoadParameterError(
            f"url {url!r} cannot be parsed ({exc}): give an absolute http:// or https:// URL."
        ) from exc
    if parts.scheme not in ("http", "https") or not host:
        raise LoadParameterError(f"url must be an absolute http:// or https:// URL, got {url!r}.")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.scheme, host, port or (443 if parts.scheme == "https" else 80), path


def validate_parameters(
    url,
    users,
    rate,
    duration,
    timeout,
    fast_ms=1000.0,
    page_format="auto",
    cookie_name="JSESSIONID",
    headers=None,
    ca_path=None,
    jitter=0.5,
):
    """Raise LoadParameterError with one clear sentence for an unusable parameter; return the parsed URL.

    The bounds keep every run finite and its history small enough to return: at most 500 users, 2000
    requests per second, 100 per second per user, 3600 s and 200000 requests.
    """
    target = _target(url)
    if isinstance(users, bool) or not isinstance(users, int) or not 1 <= users <= MAX_USERS:
        raise LoadParameterError(f"users must be a whole number from 1 to {MAX_USERS}, got {users!r}.")
    rate = _number("rate", rate, "requests per second", MAX_RATE)
    duration = _number("duration", duration, "seconds", MAX_DURATION)
    _number("timeout", timeout, "seconds")
    _number("fast_ms", fast_ms, "milliseconds")
    if isinstance(jitter, bool) or not isinstance(jitter, (int, float)) or not 0 <= jitter <= 1:
        raise LoadParameterError(
            f"jitter must be a number from 0 to 1 (a fraction of a user's interval), got {jitter!r}."
        )
    if rate / users > MAX_RATE_PER_USER:
        raise LoadParameterError(
            f"rate per user must be at most {MAX_RATE_PER_USER:g} requests per second, got {rate / users:g} "
            f"(rate {rate:g} / users {users}): raise users to at least {math.ceil(rate / MAX_RATE_PER_USER)} "
            "or lower rate."
        )
    if rate * duration > MAX_REQUESTS:
        raise LoadParameterError(
            f"rate * duration must be at most {MAX_REQUESTS} requests, got {rate:g} * {duration:g} = "
            f"{rate * duration:g}: lower rate or duration."
        )
    if users / rate > duration:
        raise LoadParameterError(
            f"duration must be at least users / rate = {users / rate:g} s (one user's interval between requests), "
            f"got {duration:g}: raise duration or rate, or lower users, so that every user sends a request."
        )
    if page_format not in ("auto", "html", "json"):
        raise LoadParameterError(f"page_format must be auto, html or json, got {page_format!r}.")
    if (
        not isinstance(cookie_name, str)
        or not cookie_name
        or any(c in cookie_name for c in "=;, \t\r\n")
        or not cookie_name.isprintable()
    ):
        raise LoadParameterError(
            f"cookie_name must be a cookie name without '=', ';', ',' or white space, got {cookie_name!r}."
        )
    for name, value in (headers or {}).items():
        text = f"{name}{value}"
        if not isinstance(name, str) or not name.strip() or ":" in name or "\r" in text or "\n" in text:
            raise LoadParameterError(
                f"headers must map header names (no ':') to values, without CR or LF, got {name!r}: {value!r}."
            )
    problem = ca_path_problem(ca_path)
    if problem:
        raise LoadParameterError(problem)
    return target


def _flow_parameters(flow, users, rate, duration, served_by_header, backend_names):
    """(Flow or None, served_by_header, backend names) checked; LoadParameterError otherwise."""
    try:
        parsed = parse_flow(flow)
        served_by_header, names = parse_served_by(served_by_header, backend_names or {})
    except FlowError as exc:
        raise LoadParameterError(str(exc)) from exc
    if parsed is not None and parsed.logins and (parsed.logins + 1) * users / rate > duration:
        needed = (parsed.logins + 1) * users / rate
        raise LoadParameterError(
            f"duration must be at least (once steps + 1) * users / rate = {needed:g} s, so that every user gets past "
            f"its {parsed.logins} once steps, got {duration:g}: raise duration or rate, or lower users."
        )
    return parsed, served_by_header, names


def tls_context(validate_certs=True, ca_path=None):
    """One TLS context per run (building one costs milliseconds: never per request)."""
    try:
        context = ssl.create_default_context(cafile=ca_path)
    except (OSError, ssl.SSLError) as exc:
        raise LoadParameterError(
            f"ca_path {ca_path!r} cannot be loaded ({exc}): give a file of PEM CA certificates."
        ) from exc
    if not validate_certs:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def classify_error(exc):
    """(outcome, error text) of an exception raised while making a request."""
    for kind, text in _RESET_TEXTS:
        if isinstance(exc, kind):
            return "reset", text
    if isinstance(exc, ConnectionRefusedError):
        return "refused", _error_text(exc)
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "timeout", _error_text(exc)
    if isinstance(exc, (ssl.SSLError, ssl.CertificateError)):
        return "other", f"TLS error: {exc}"
    if isinstance(exc, socket.gaierror):
        return "other", f"name resolution failed: {exc}"
    if isinstance(exc, http.client.HTTPException):
        return "other", f"bad response: {exc!r}"
    return "other", _error_text(exc)


def _record(user, start, **fields):
    """A request record (see the module's RETURN), as nothing is known yet but its user and start."""
    record = {
        "user": user.index,
        "seq": user.seq,
        "start": round(start, 3),
        "latency_ms": None,
        "lag_ms": None,
        "outcome": "other",
        "status": None,
        "session": None,
        "route": None,
        "server": None,
        "count": None,
        "new_session": False,
        "error": None,
    }
    record.update(fields)
    return record


def read_stop_condition(text):
    """The stop file's condition: {} (end now) from an empty file, else its JSON object with the optional keys
    server (a backend's name), requests (how many of its ok answers, from 1), since (epoch seconds: only requests
    started then or later count) and tail (seconds to run on once the rest holds). LoadParameterError otherwise."""
    if not text.strip():
        return {}
    try:
        condition = json.loads(text)
    except ValueError as exc:
        raise LoadParameterError(f"the stop file must be empty or a JSON object, got {text[:80]!r}: {exc}.") from exc
    if not isinstance(condition, dict) or set(condition) - {"server", "requests", "since", "tail"}:
        raise LoadParameterError(
            f"the stop file's JSON object may only have server, requests, since and tail, got {text[:80]!r}."
        )
    for key in ("since", "tail"):
        value = condition.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0):
            raise LoadParameterError(f"the stop file's {key} must be a number of seconds from 0, got {value!r}.")
    server, requests = condition.get("server"), condition.get("requests")
    if (server is None) != (requests is None) or (
        server is not None
        and (
            not isinstance(server, str)
            or not server
            or isinstance(requests, bool)
            or not isinstance(requests, int)
            or requests < 1
        )
    ):
        raise LoadParameterError(
            "the stop file's server and requests go together: a backend's name and a whole number from 1, "
            f"got {text[:80]!r}."
        )
    return condition


class _Watch:
    """What the stop file asked for, and how far the run has got: the ok answers of its server since its time."""

    def __init__(self, condition, t0, asked_m):
        self.server = condition.get("server")
        self.requests = condition.get("requests") or 0
        # since, on this run's clock (seconds from t0); by default when the file appeared.
        self.since = condition["since"] - t0 if condition.get("since") is not None else asked_m
        self.tail = float(condition.get("tail") or 0)
        self.asked = asked_m
        self.served = 0
        self.met = None if self.server else asked_m

    def count(self, record, now_rel):
        counted = record["outcome"] == "ok" and record["server"] == self.server and record["start"] >= self.since
        if self.met is None and counted:
            self.served += 1
            if self.served >= self.requests:
                self.met = now_rel


class _User:
    """One virtual user: its cookie jar, its records and (with keepalive) its persistent connection.

    In flow mode also its way through the flow (tracker), its requests, one per step (prepared), and the step of
    its outstanding request (step).
    """

    __slots__ = ("index", "jar", "records", "missed", "conn", "seq", "busy_since", "tracker", "prepared", "step")

    def __init__(self, index):
        self.index = index
        self.jar = {}
        self.records = []
        self.missed = 0
        self.conn = None
        self.seq = 0
        self.busy_since = None
        self.tracker = None
        self.prepared = None
        self.step = None


class _Run:
    def __init__(
        self,
        target,
        users,
        rate,
        duration,
        timeout,
        keepalive,
        cookie_name,
        page_format,
        context,
        headers,
        jitter,
        stop_file=None,
        flow=None,
        served_by_header=None,
        backend_names=None,
    ):
        self.scheme, self.host, self.port, self.path = target
        self.jitter = jitter
        self.stop_file = stop_file
        # The end of the schedule (monotonic): t0 + duration, or earlier once stop_file appears.
        self.end_m = None
        self.users = [_User(index) for index in range(users)]
        self.rate = rate
        self.duration = duration
        self.timeout = timeout
        self.keepalive = keepalive
        self.cookie_name = cookie_name
        self.page_format = page_format
        self.context = context
        self.base_headers = {"User-Agent": USER_AGENT, "Accept": "*/*"}
        if not keepalive:
            self.base_headers["Connection"] = "close"
        self.base_headers.update(headers or {})
        self.flow = flow
        self.served_by_header = served_by_header
        self.backend_names = backend_names or {}
        if flow is not None:
            for user in self.users:
                user.tracker = FlowUser(flow)
                # A user's requests differ from another's only by {user}: rendered once, not per request.
                user.prepared = [prepare(step, user.index, self.base_headers) for step in flow.steps]
        self.watch = None
        self.stop = None
        self.lock = threading.Lock()
        self.schedule_lock = threading.Lock()
        self.go = threading.Event()
        self.closed = False
        self.t0 = None
        self.t0m = None

    def _connection(self):
        if self.scheme == "https":
            return http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout, context=self.context)
        return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)

    def _exchange(self, user, deadline, method, path, body, headers):
        """Send one request and read the response.

        Returns (status, content_type, body bytes, Set-Cookie list, served-by header value or None).
        """
        conn = user.conn
        if conn is None:
            conn = user.conn = self._connection()
        elif conn.sock is not None:
            conn.sock.settimeout(self.timeout)
        headers = headers.copy()
        if user.jar:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in user.jar.items())
        conn.request(method, path, body=body, headers=headers)
        sock = conn.sock
        sock.settimeout(max(0.001, deadline - time.monotonic()))
        response = conn.getresponse()  # closes conn (not yet sock) when the response ends the connection
        try:
            sock.settimeout(max(0.001, deadline - time.monotonic()))
            body = response.read()
        finally:
            response.close()
        if response.will_close or not self.keepalive:
            conn.close()
            user.conn = None
        served = response.getheader(self.served_by_header) if self.served_by_header else None
        set_cookies = response.msg.get_all("Set-Cookie") or []
        return response.status, response.getheader("Content-Type"), body, set_cookies, served

    def _request(self, user, started, slot):
        jar = user.jar
        before = jar.get(self.cookie_name)
        if user.tracker is None:
            step = None
            method, path, body, headers = "GET", self.path, None, self.base_headers
            record = _record(user, started - self.t0m, lag_ms=round((started - slot) * 1000.0, 1))
        else:
            step = user.step = user.tracker.next_step()
            method, path, body, headers = user.prepared[step.index]
            record = _record(
                user, started - self.t0m, lag_ms=round((started - slot) * 1000.0, 1), step=step.name, state=None
            )
        user.busy_since = started
        try:
            status, content_type, raw, set_cookies, served = self._exchange(
                user, started + self.timeout, method, path, body, headers
            )
        except Exception as exc:  # pylint: disable=broad-except
            # Refused, reset, timeout, TLS, DNS: a failed request, not a failed run.
            record["latency_ms"] = round((time.monotonic() - started) * 1000.0, 1)
            record["outcome"], record["error"] = classify_error(exc)
            if user.conn is not None:
                user.conn.close()
                user.conn = None
        else:
            record["latency_ms"] = round((time.monotonic() - started) * 1000.0, 1)
            record["status"] = status
            if self.cookie_name in apply_set_cookies(jar, set_cookies):
                after = jar.get(self.cookie_name)
                record["new_session"] = after is not None and (
                    before is None or split_session_id(after)[0] != split_session_id(before)[0]
                )
            if step is not None:
                self._read_answer(record, step, status, raw, content_type, served, jar)
            elif status == 200:
                self._read_page(record, raw, content_type, jar)
            else:
                record["outcome"] = "http_5xx" if 500 <= status <= 599 else "other"
                record["error"] = f"HTTP {status}"
        if step is not None:
            # Where the user goes next: the next step, or the login again after a lost session.
            value = record["state"][step.key] if record["state"] else None
            user.tracker.observe(step, record["session"], value, record["outcome"] == "ok")
        with self.lock:
            user.busy_since = None
            if not self.closed:
                user.records.append(record)
                if self.watch is not None:
                    self.watch.count(record, time.monotonic() - self.t0m)
        user.seq += 1

    def _read_answer(self, record, step, status, raw, content_type, served, jar):
        """Flow mode: the session (from the cookie) and the backend of every answer, then its status and state."""
        session_id = jar.get(self.cookie_name)
        if session_id:
            record["session"], record["route"] = split_session_id(session_id)
        record["server"] = backend_name(served, record["route"], self.backend_names)
        try:
            error, state = check_answer(self.flow, step, status, lambda: decode_body(raw, content_type))
        except Exception as exc:  # pylint: disable=broad-except
            # Whatever the body holds, it is this request's failure: the user's thread goes on.
            error, state = f"state {step.key}: unreadable answer ({exc!r})", None
        if error is None:
            record["outcome"], record["state"] = "ok", state
        else:
            record["error"] = error
            if status not in step.statuses and 500 <= status <= 599:
                record["outcome"] = "http_5xx"

    def _read_page(self, record, raw, content_type, jar):
        try:
            page = parse_page(decode_body(raw, content_type), content_type, self.page_format)
        except PageError as exc:
            record["error"] = f"unparseable page: {exc}"
            return
        except Exception as exc:  # pylint: disable=broad-except
            # Whatever the body holds, it is this request's failure: the user's thread goes on.
            record["error"] = f"unparseable page: {exc!r}"
            return
        session_id = page["session_id"] or jar.get(self.cookie_name)
        if not session_id:
            record["error"] = f"unparseable page: no session-id on the page and no {self.cookie_name} cookie"
            return
        base, route = split_session_id(session_id)
        record.update(outcome="ok", session=base, route=route, server=page["server"], count=page["count"])

    def _user_loop(self, user):
        self.go.wait()
        if self.closed:
            return
        interval = len(self.users) / self.rate
        first = self.t0m + user.index / self.rate
        # Each slot moves by up to jitter/2 of an interval either way (the average rate stays exact): users in
        # lockstep would reach a round-robin balancer in the same order every time and always land on the same
        # backend, as no real users do.
        spread = random.Random(user.index).uniform if self.jitter else None

        def slot_time(k):
            # None once the schedule is over; the jitter never moves a slot out of [t0, end), so every user
            # sends exactly as many requests as without it.
            base = first + k * interval
            if base >= self.end_m:
                return None
            if not spread:
                return base
            return min(max(base + spread(-0.5, 0.5) * self.jitter * interval, self.t0m), self.end_m - 1e-6)

        slot_index = 0
        slot = slot_time(0)
        while not self.closed and slot is not None:
            now = time.monotonic()
            if now < slot:
                time.sleep(slot - now)
            # Read under the lock that ends the schedule early (_end_now): a request starts before the end, or
            # not at all.
            with self.schedule_lock:
                now = time.monotonic()
                if now >= self.end_m or self.closed:
                    # The schedule's end passed while the generator was late: the slots it had before that end
                    # are missed, as every slot is either sent or missed.
                    while not self.closed and slot is not None and slot < self.end_m:
                        user.missed += 1
                        slot_index += 1
                        slot = slot_time(slot_index)
                    break
            self._request(user, now, slot)
            done = time.monotonic()
            slot_index += 1
            slot = slot_time(slot_index)
            # Slots that passed while the request was outstanding are missed; the next request waits for
            # the first slot after the response.
            while slot is not None and slot < done:
                user.missed += 1
                slot_index += 1
                slot = slot_time(slot_index)
        if user.conn is not None:
            user.conn.close()
            user.conn = None

    def _abandon_outstanding(self):
        """At the run's deadline: record what is still outstanding as a timeout and shut its socket down."""
        now = time.monotonic()
        with self.lock:
            self.closed = True
            for user in self.users:
                if user.busy_since is None:
                    continue
                flow_fields = {} if user.step is None else {"step": user.step.name, "state": None}
                user.records.append(
                    _record(
                        user,
                        user.busy_since - self.t0m,
                        latency_ms=round((now - user.busy_since) * 1000.0, 1),
                        outcome="timeout",
                        error="no response before the end of the run",
                        **flow_fields,
                    )
                )
                conn = user.conn
                sock = conn.sock if conn is not None else None
                if sock is not None:
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)

    def _end_now(self):
        """End the schedule now: no request starts after this moment (the users read it under the same lock)."""
        with self.schedule_lock:
            self.end_m = min(self.end_m, time.monotonic())

    def _follow_stop_file(self):
        """Until the schedule's end: once stop_file appears, end the schedule when its condition holds and its tail
        has run (an empty file: at once). What happened goes to self.stop."""
        while time.monotonic() < self.end_m and not os.path.exists(self.stop_file):
            time.sleep(STOP_FILE_POLL_S)
        if not os.path.exists(self.stop_file):
            self.stop = {"asked": None, "met": None, "ended_by": "duration"}
            return
        asked = time.monotonic() - self.t0m
        try:
            with open(self.stop_file, encoding="utf-8") as handle:
                condition = read_stop_condition(handle.read())
        except (OSError, LoadParameterError) as exc:
            # A stop file that cannot be read ends the schedule at once, and says why.
            self._end_now()
            self.stop = {"asked": round(asked, 3), "met": None, "ended_by": "stop_file", "error": str(exc)}
            return
        with self.lock:
            self.watch = _Watch(condition, self.t0, asked)
            # The answers already in, from since on.
            for user in self.users:
                for record in user.records:
                    self.watch.count(record, asked)
        watch = self.watch
        while time.monotonic() < self.end_m:
            if watch.met is not None and time.monotonic() - self.t0m >= watch.met + watch.tail:
                self._end_now()
                break
            time.sleep(STOP_FILE_POLL_S)
        self.stop = {
            "asked": round(asked, 3),
            "condition": condition,
            "served": watch.served,
            "met": None if watch.met is None else round(watch.met, 3),
            "ended_by": "condition" if watch.met is not None and self.end_m < self.t0m + self.duration else "duration",
        }

    def execute(self):
        threads = []
        try:
            for user in self.users:
                thread = threading.Thread(
                    target=self._user_loop, args=(user,), name=f"session-load-{user.index}", daemon=True
                )
                thread.start()
                threads.append(thread)
        except RuntimeError as exc:
            self.closed = True
            self.go.set()
            for thread in threads:
                thread.join()
            raise LoadParameterError(
                f"users must be a number of threads this host can start, {len(self.users)} failed ({exc}): lower users."
            ) from exc
        self.t0 = time.time()
        self.t0m = time.monotonic()
        self.end_m = self.t0m + self.duration
        self.go.set()
        if self.stop_file:
            self._follow_stop_file()
        for thread in threads:
            thread.join(max(0.0, self.end_m + self.timeout + GRACE_S - time.monotonic()))
        self._abandon_outstanding()
        history = [record for user in self.users for record in user.records]
        history.sort(key=lambda r: (r["start"], r["user"], r["seq"]))
        return history, [user.missed for user in self.users]


def run_load(
    url,
    users=20,
    rate=50.0,
    duration=30.0,
    timeout=30.0,
    keepalive=False,
    cookie_name="JSESSIONID",
    page_format="auto",
    validate_certs=True,
    ca_path=None,
    headers=None,
    fast_ms=1000.0,
    jitter=0.5,
    stop_file=None,
    flow=None,
    served_by_header=None,
    backend_names=None,
):
    """Run users virtual users at a total of rate requests per second for duration seconds, open loop.

    User u's slots are t0 + u/rate + k*users/rate (k = 0, 1, ...) before t0 + duration, each moved by a random
    amount of up to jitter/2 of a user's interval either way (the same for a given user in every run).
    A user has at most one request outstanding: a slot that passes while it is outstanding is missed, and
    the user sends at its first slot after the response.
    When stop_file is given, the schedule ends once that file exists and its condition holds (read_stop_condition:
    an empty file ends it at once; a JSON object can ask for a backend's ok answers since a time, then a tail), or
    at duration, which is then an upper bound. result["stop"] says which, and when.
    With a flow (a list of steps), every user walks through its steps on url's scheme, host and port instead of
    requesting url; served_by_header and backend_names name the backend of each answer.
    Every parameter is checked before any request (LoadParameterError).
    Returns {started_at (t0, epoch s), duration, users, rate, history, missed_slots (a list indexed by user),
    summary (with client: client_figures), stop}.
    """
    target = validate_parameters(
        url, users, rate, duration, timeout, fast_ms, page_format, cookie_name, headers, ca_path, jitter
    )
    if stop_file is not None and (not isinstance(stop_file, str) or not stop_file or os.path.exists(stop_file)):
        raise LoadParameterError(
            f"stop_file must be the path of a file that does not exist yet, got {stop_file!r}: "
            "remove it, or pick another."
        )
    parsed, served_by_header, names = _flow_parameters(flow, users, rate, duration, served_by_header, backend_names)
    context = tls_context(validate_certs, ca_path) if target[0] == "https" else None
    run = _Run(
        target,
        users,
        float(rate),
        float(duration),
        float(timeout),
        bool(keepalive),
        cookie_name,
        page_format,
        context,
        {str(k): str(v) for k, v in (headers or {}).items()},
        float(jitter),
        stop_file,
        parsed,
        served_by_header,
        names,
    )
    cpu_before, load_before = os.times(), _load_average()
    history, missed = run.execute()
    cpu_after, load_after = os.times(), _load_average()
    # The schedule's real length: duration, or less when stop_file ended it early.
    duration = round(min(float(duration), run.end_m - run.t0m), 3)
    return {
        # Not "started": async_status takes a result with that key for a job still running.
        "started_at": run.t0,
        "duration": duration,
        "users": users,
        "rate": float(rate),
        "history": history,
        "missed_slots": missed,
        "summary": dict(
            check_history(history, users=users, duration=duration, fast_ms=fast_ms, missed_slots=missed, flow=parsed),
            client=client_figures(history, missed, cpu_before, cpu_after, (load_before, load_after), rate / users),
        ),
        "stop": run.stop,
    }


def _load_average():
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def client_figures(history, missed, cpu_before, cpu_after, load_average, user_rate):
    """How the load generator itself kept up: how late its requests left against their slots (the client's own
    scheduling delay, not the backend's), its missed slots, its CPU time and the host's load average; behind is
    true when the 99th percentile of that lateness exceeds a tenth of a user's interval (at least 100 ms)."""
    lags = sorted(r["lag_ms"] for r in history if r.get("lag_ms") is not None)
    cpu = (cpu_after.user - cpu_before.user) + (cpu_after.system - cpu_before.system)
    wall = cpu_after.elapsed - cpu_before.elapsed
    p99 = percentile(lags, 99)
    bound = max(100.0, 100.0 / user_rate)
    return {
        "lag_ms": {"p50": percentile(lags, 50), "p99": p99, "max": lags[-1] if lags else None},
        "missed_slots": int(sum(missed)),
        "cpu_s": round(cpu, 2),
        "cpu_share": round(cpu / wall / (os.cpu_count() or 1), 3) if wall > 0 else None,
        "load_average": list(load_average),
        "behind": p99 is not None and p99 > bound,
        "behind_bound_ms": round(bound, 1),
    }

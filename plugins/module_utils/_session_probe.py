# Copyright (c) 2026, sessionlab maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Sampling loop of the session_probe module, callable without AnsibleModule.

Private helper (the leading underscore): the API may change without notice.
"""

from __future__ import annotations

import math
import socket
import time
from email.utils import parsedate_to_datetime
from urllib.error import HTTPError, URLError
from urllib.parse import urljoin, urlparse

from ansible.module_utils.urls import Request, make_context
from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils._session_flow import (
    FlowError,
    FlowUser,
    backend_name,
    check_answer,
    parse_flow,
    parse_served_by,
    parse_state,
    prepare,
    summarize_flow,
)
from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils._session_page import (
    PageError,
    ca_path_problem,
    decode_body,
    parse_page,
    split_session_id,
    summarize,
)

MAX_REDIRECTS = 5
# Bounds that keep one probe a probe: a run of at most MAX_COUNT requests, each waiting at most MAX_TIMEOUT.
MAX_COUNT = 10000
MAX_INTERVAL = 3600
MAX_TIMEOUT = 600
USER_AGENT = "sessionlab-session-probe/1"


class ProbeParameterError(ValueError):
    """A parameter the probe cannot work with."""


def validate_parameters(url, count, interval, timeout, page_format="auto", ca_path=None):
    """Raise ProbeParameterError with one clear sentence when a parameter is unusable."""
    try:
        parsed = urlparse(url)
        parsed.port  # noqa: B018 - raises ValueError for a port that is not a number in 0-65535
    except ValueError as exc:
        raise ProbeParameterError(f"url is malformed ({exc}): check the brackets and the port, got {url!r}.") from exc
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ProbeParameterError(f"url must be an absolute http:// or https:// URL, got {url!r}.")
    if not 1 <= count <= MAX_COUNT:
        raise ProbeParameterError(f"count must be between 1 and {MAX_COUNT}, got {count}.")
    if not (math.isfinite(interval) and 0 <= interval <= MAX_INTERVAL):
        raise ProbeParameterError(f"interval must be a number of seconds from 0 to {MAX_INTERVAL}, got {interval}.")
    if not (math.isfinite(timeout) and 0 < timeout <= MAX_TIMEOUT):
        raise ProbeParameterError(f"timeout must be greater than 0 and at most {MAX_TIMEOUT} seconds, got {timeout}.")
    if page_format not in ("auto", "html", "json"):
        raise ProbeParameterError(f"page_format must be auto, html or json, got {page_format!r}.")
    problem = ca_path_problem(ca_path)
    if problem:
        raise ProbeParameterError(problem)


def parse_set_cookie(header, now=None):
    """Parse one Set-Cookie header into (name, value, delete).

    delete is true when the cookie expires now (Max-Age <= 0 or an Expires date in the past).
    Path and Domain are not evaluated: the probe talks to one site, every cookie goes back to it.
    """
    parts = header.split(";")
    name, sep, value = parts[0].partition("=")
    name = name.strip()
    if not sep or not name:
        return None
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    delete = False
    max_age_seen = False
    for attribute in parts[1:]:
        key, _sep, attr_value = attribute.partition("=")
        key = key.strip().lower()
        attr_value = attr_value.strip()
        if key == "max-age":
            try:
                delete = int(attr_value) <= 0
                max_age_seen = True
            except ValueError:
                pass
        elif key == "expires" and not max_age_seen:
            try:
                expires = parsedate_to_datetime(attr_value)
            except (TypeError, ValueError, IndexError):
                continue
            if expires is not None:
                delete = expires.timestamp() <= (time.time() if now is None else now)
    return name, value, delete


def apply_set_cookies(jar, headers):
    """Update the jar (dict) from Set-Cookie headers; return the names this response set or deleted."""
    names = []
    for header in headers:
        parsed = parse_set_cookie(header)
        if parsed is None:
            continue
        name, value, delete = parsed
        if delete:
            jar.pop(name, None)
        else:
            jar[name] = value
        names.append(name)
    return names


def _header_list(headers, name):
    if headers is None:
        return []
    if hasattr(headers, "get_all"):
        return headers.get_all(name) or []
    value = headers.get(name)
    return [value] if value else []


def _error_text(exc):
    if isinstance(exc, URLError) and not isinstance(exc, HTTPError):
        return f"request failed: {exc.reason}"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "request timed out"
    return f"request failed: {exc}"


def new_request(validate_certs=True, ca_path=None):
    """One urls.Request per run: its TLS context (CA bundle loading, ~50 ms) is built once, not per sample."""
    return Request(context=make_context(cafile=ca_path, validate_certs=validate_certs))


def _read_error_body(exc):
    try:
        return exc.read() or b""
    except Exception:  # pylint: disable=broad-except
        return b""


def exchange(request, method, url, jar, headers, data, timeout, validate_certs):
    """One request with the jar's cookies, redirects not followed.

    Returns (status, response headers, raw body, cookie names set, error); status is None and error says why
    when there was no response. Any HTTP status is a response here: the caller decides what it expects.
    """
    request_headers = {"User-Agent": USER_AGENT}
    request_headers.update(headers or {})
    if jar:
        request_headers["Cookie"] = "; ".join("{}={}".format(*item) for item in jar.items())
    try:
        response = request.open(
            method,
            url,
            data=data,
            headers=request_headers,
            timeout=timeout,
            validate_certs=validate_certs,
            follow_redirects="none",
        )
    except HTTPError as exc:
        cookies_set = apply_set_cookies(jar, _header_list(exc.headers, "Set-Cookie"))
        return exc.code, exc.headers, _read_error_body(exc), cookies_set, None
    except Exception as exc:  # pylint: disable=broad-except
        # Connection refused, reset, timeout, TLS errors: a failed sample, not a module failure.
        return None, None, None, [], _error_text(exc)
    cookies_set = []
    try:
        status = response.getcode()
        cookies_set = apply_set_cookies(jar, _header_list(response.headers, "Set-Cookie"))
        raw = response.read()
    except Exception as exc:  # pylint: disable=broad-except
        return None, None, None, cookies_set, _error_text(exc)
    finally:
        response.close()
    return status, response.headers, raw, cookies_set, None


def fetch_once(url, jar, headers, timeout, validate_certs, request):
    """GET url with the jar's cookies, following up to MAX_REDIRECTS redirects by hand.

    Redirects are followed here (not by urllib) so that a Set-Cookie on a 30x response reaches the jar.
    Returns (status, content_type, body_text, cookie_names_set, error).
    """
    cookies_set = []
    for _hop in range(MAX_REDIRECTS + 1):
        status, response_headers, raw, names, error = exchange(
            request, "GET", url, jar, headers, None, timeout, validate_certs
        )
        cookies_set.extend(names)
        if error is not None:
            return None, None, None, cookies_set, error
        if not 200 <= status < 300:
            location = response_headers.get("Location") if response_headers is not None else None
            if status in (301, 302, 303, 307, 308) and location:
                url = urljoin(url, location)
                continue
            return status, None, None, cookies_set, f"HTTP {status}"
        content_type = response_headers.get("Content-Type")
        return status, content_type, decode_body(raw, content_type), cookies_set, None
    return None, None, None, cookies_set, f"more than {MAX_REDIRECTS} redirects"


def _empty_sample(index, status, elapsed_ms, started, cookies_set, error):
    return {
        "index": index,
        "status": status,
        "server": None,
        "addr": None,
        "session_id": None,
        "session_base": None,
        "session_route": None,
        "count": None,
        "elapsed_ms": elapsed_ms,
        "started": started,
        "cookies_set": cookies_set,
        "error": error,
    }


def take_sample(index, url, jar, headers, timeout, validate_certs, page_format, cookie_name, request):
    """One request: a sample dict as documented in the module's RETURN."""
    started = time.time()
    clock = time.monotonic()
    status, content_type, body, cookies_set, error = fetch_once(url, jar, headers, timeout, validate_certs, request)
    elapsed_ms = round((time.monotonic() - clock) * 1000.0, 3)
    sample = _empty_sample(index, status, elapsed_ms, started, cookies_set, error)
    if error is None:
        try:
            page = parse_page(body, content_type, page_format)
        except PageError as exc:
            sample["error"] = f"unparseable page: {exc}"
        else:
            # The page shows the ID the server used; the cookie is the fallback for pages without it.
            session_id = page["session_id"] or jar.get(cookie_name)
            if not session_id:
                sample["error"] = f"unparseable page: no session-id on the page and no {cookie_name} cookie"
                return sample
            base, route = split_session_id(session_id)
            sample.update(
                server=page["server"],
                addr=page["addr"],
                session_id=session_id,
                session_base=base,
                session_route=route,
                count=page["count"],
            )
    return sample


class _FlowProbe:
    """What a flow-mode probe keeps between samples: the flow, the site, the user's requests and its tracker."""

    def __init__(self, flow, origin, prepared, tracker, cookie_name, served_by_header, backend_names):
        self.flow = flow
        self.origin = origin
        self.prepared = prepared
        self.tracker = tracker
        self.cookie_name = cookie_name
        self.served_by_header = served_by_header
        self.backend_names = backend_names

    def take_sample(self, index, jar, timeout, validate_certs, request):
        """One request of the flow's next step: a page-mode sample plus step and state."""
        step = self.tracker.next_step()
        method, target, body, headers = self.prepared[step.index]
        started = time.time()
        clock = time.monotonic()
        status, response_headers, raw, cookies_set, error = exchange(
            request, method, self.origin + target, jar, headers, body, timeout, validate_certs
        )
        elapsed_ms = round((time.monotonic() - clock) * 1000.0, 3)
        sample = _empty_sample(index, status, elapsed_ms, started, cookies_set, error)
        sample.update(step=step.name, state=None)
        if status is not None:
            session_id = jar.get(self.cookie_name)
            if session_id:
                base, route = split_session_id(session_id)
                sample.update(session_id=session_id, session_base=base, session_route=route)
            response_headers = response_headers if response_headers is not None else {}
            served = response_headers.get(self.served_by_header) if self.served_by_header else None
            sample["addr"] = served
            sample["server"] = backend_name(served, sample["session_route"], self.backend_names)
            content_type = response_headers.get("Content-Type")
            sample["error"], sample["state"] = check_answer(
                self.flow, step, status, lambda: decode_body(raw, content_type)
            )
        return step, sample


def _origin(url):
    parsed = urlparse(url)
    return f"{parsed.scheme}://{parsed.netloc.rpartition('@')[2]}"


def _flow_parameters(flow, count, cookies, cookie_name, state, user, served_by_header, backend_names):
    """(Flow or None, starting state, served_by_header, backend names) checked; ProbeParameterError otherwise."""
    try:
        parsed = parse_flow(flow)
        start = parse_state(parsed, state)
        served_by_header, names = parse_served_by(served_by_header, backend_names or {})
    except FlowError as exc:
        raise ProbeParameterError(str(exc)) from exc
    if isinstance(user, bool) or not isinstance(user, int) or user < 0:
        raise ProbeParameterError(f"user must be a whole number from 0, got {user!r}.")
    if parsed is not None and parsed.logins and not (cookies or {}).get(cookie_name) and count <= parsed.logins:
        raise ProbeParameterError(
            f"count {count} leaves no request for the steps that repeat after the {parsed.logins} once steps: "
            f"raise count above {parsed.logins}."
        )
    return parsed, start, served_by_header, names


def run_probe(
    url,
    count=10,
    interval=0.0,
    timeout=5.0,
    cookies=None,
    headers=None,
    validate_certs=True,
    page_format="auto",
    cookie_name="JSESSIONID",
    request=None,
    sleep=time.sleep,
    ca_path=None,
    flow=None,
    served_by_header=None,
    backend_names=None,
    state=None,
    user=0,
):
    """Request url count times like a user refreshing a browser; return {samples, summary, cookies, last_state}.

    With a flow, run count requests through its steps instead (once steps first unless cookies hold a session),
    on url's scheme, host and port; state is the {key: value} to start from (an earlier run's last_state).
    """
    validate_parameters(url, count, interval, timeout, page_format, ca_path)
    parsed, start, served_by_header, names = _flow_parameters(
        flow, count, cookies, cookie_name, state, user, served_by_header, backend_names
    )
    if request is None:
        request = new_request(validate_certs, ca_path)
    jar = dict(cookies or {})
    if parsed is None:
        cookies_given = bool(jar)
        samples = []
        for index in range(count):
            if index and interval:
                sleep(interval)
            samples.append(
                take_sample(index, url, jar, headers, timeout, validate_certs, page_format, cookie_name, request)
            )
        summary = summarize(samples, cookies_given=cookies_given, start_count=start.get("count"))
        last_state = {} if summary["last_count"] is None else {"count": summary["last_count"]}
        return {"samples": samples, "summary": summary, "cookies": jar, "last_state": last_state}

    session_id = jar.get(cookie_name)
    tracker = FlowUser(parsed, session=split_session_id(session_id)[0] if session_id else None, state=start)
    prepared = [prepare(step, user, headers) for step in parsed.steps]
    probe = _FlowProbe(parsed, _origin(url), prepared, tracker, cookie_name, served_by_header, names)
    samples = []
    anomalies = []
    for index in range(count):
        if index and interval:
            sleep(interval)
        step, sample = probe.take_sample(index, jar, timeout, validate_certs, request)
        samples.append(sample)
        value = sample["state"][step.key] if sample["state"] else None
        found = tracker.observe(step, sample["session_base"], value, sample["error"] is None)
        for kind, key, expected, got in found:
            anomalies.append(
                {"index": index, "step": step.name, "kind": kind, "key": key, "expected": expected, "got": got}
            )
    summary = summarize_flow(samples, parsed, anomalies)
    return {"samples": samples, "summary": summary, "cookies": jar, "last_state": dict(tracker.state)}

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
from ansible_collections.sessionlab.tomcat_ha.plugins.module_utils._session_page import (
    PageError,
    ca_path_problem,
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


def fetch_once(url, jar, headers, timeout, validate_certs, request):
    """GET url with the jar's cookies, following up to MAX_REDIRECTS redirects by hand.

    Redirects are followed here (not by urllib) so that a Set-Cookie on a 30x response reaches the jar.
    Returns (status, content_type, body_text, cookie_names_set, error).
    """
    cookies_set = []
    for _hop in range(MAX_REDIRECTS + 1):
        request_headers = {"User-Agent": USER_AGENT}
        request_headers.update(headers or {})
        if jar:
            request_headers["Cookie"] = "; ".join("{}={}".format(*item) for item in jar.items())
        try:
            response = request.open(
                "GET",
                url,
                headers=request_headers,
                timeout=timeout,
                validate_certs=validate_certs,
                follow_redirects="none",
            )
        except HTTPError as exc:
            status = exc.code
            cookies_set.extend(apply_set_cookies(jar, _header_list(exc.headers, "Set-Cookie")))
            location = exc.headers.get("Location") if exc.headers is not None else None
            if status in (301, 302, 303, 307, 308) and location:
                url = urljoin(url, location)
                continue
            return status, None, None, cookies_set, f"HTTP {status}"
        except Exception as exc:  # pylint: disable=broad-except
            # Connection refused, reset, timeout, TLS errors: a failed sample, not a module failure.
            return None, None, None, cookies_set, _error_text(exc)
        try:
            status = response.getcode()
            cookies_set.extend(apply_set_cookies(jar, _header_list(response.headers, "Set-Cookie")))
            content_type = response.headers.get("Content-Type")
            raw = response.read()
        except Exception as exc:  # pylint: disable=broad-except
            return None, None, None, cookies_set, _error_text(exc)
        finally:
            response.close()
        charset = "utf-8"
        if content_type and "charset=" in content_type.lower():
            charset = content_type.lower().split("charset=", 1)[1].split(";")[0].strip() or charset
        try:
            body = raw.decode(charset, errors="replace")
        except LookupError:
            body = raw.decode("utf-8", errors="replace")
        return status, content_type, body, cookies_set, None
    return None, None, None, cookies_set, f"more than {MAX_REDIRECTS} redirects"


def take_sample(index, url, jar, headers, timeout, validate_certs, page_format, cookie_name, request):
    """One request: a sample dict as documented in the module's RETURN."""
    started = time.time()
    clock = time.monotonic()
    status, content_type, body, cookies_set, error = fetch_once(url, jar, headers, timeout, validate_certs, request)
    elapsed_ms = round((time.monotonic() - clock) * 1000.0, 3)
    sample = {
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
):
    """Request url count times like a user refreshing a browser; return {samples, summary, cookies}."""
    validate_parameters(url, count, interval, timeout, page_format, ca_path)
    if request is None:
        request = new_request(validate_certs, ca_path)
    jar = dict(cookies or {})
    cookies_given = bool(jar)
    samples = []
    for index in range(count):
        if index and interval:
            sleep(interval)
        samples.append(
            take_sample(index, url, jar, headers, timeout, validate_certs, page_format, cookie_name, request)
        )
    return {"samples": samples, "summary": summarize(samples, cookies_given=cookies_given), "cookies": jar}
